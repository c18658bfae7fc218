using System.Text.Json.Nodes;
using FaceGrains.Grains;
using FaceGrains.Grains.Interfaces;
using FaceGrains.Recognition.Calibration;
using FaceGrains.Recognition.Evaluation;
using FaceGrains.Recognition.Models;
using FaceGrains.Recognition.Protocols;

namespace FaceGrains.ClientCli.Commands;

/// <summary>
/// What the gallery's default operating point gives on an open-set split, computed offline with the gallery's own
/// mechanism (<see cref="ThresholdPolicy"/>): the threshold from the shipped calibration alone, the one from the
/// gallery's own impostor scores (measured or modelled, as the gallery calibrates itself), and the FPIR and FNIR each
/// gives on the split's searches; plus FNIR at FPIR 1e-2 when deciding on cohort-normalised scores instead of cosines.
/// </summary>
internal static class OperatingPointStudy
{
    public static IReadOnlyList<(string Key, JsonNode? Value)> Run(OpenSetReport report, ModelVersion model, double targetFpir)
    {
        ImpostorTail? shipped;
        string? problem = null;
        try
        {
            shipped = ImpostorTail.TryLoad(model);
        }
        catch (CalibrationMismatchException e)
        {
            shipped = null;
            problem = e.Message;
        }

        var n = report.KnownIdentities;
        var total = report.GalleryImpostors.Sum();
        var gallery = GalleryCalibrationOf(report, model);
        var rows = new List<(string, JsonNode?)>
        {
            ("default_target_fpir", targetFpir),
            ("gallery_impostor_scores", total),
        };

        void Add(string prefix, AppliedThreshold t)
        {
            var (fpir, fnir) = OpenSetMetrics.AtThreshold(report.Mated, report.NonMated, t.Threshold);
            rows.Add(($"{prefix}threshold", t.Threshold));
            rows.Add(($"{prefix}threshold_source", t.Source.ToString().ToLowerInvariant()));
            rows.Add(($"{prefix}expected_fpir", t.ExpectedFpir));
            rows.Add(($"fpir_at_{prefix}threshold", fpir));
            rows.Add(($"fnir_at_{prefix}threshold", fnir));
        }

        Add("shipped_", ThresholdPolicy.ForIdentification(null, n, targetFpir, new ThresholdPolicy.Calibrations(model, shipped, problem, null)));
        var chosen = ThresholdPolicy.ForIdentification(null, n, targetFpir, new ThresholdPolicy.Calibrations(model, shipped, problem, gallery));
        Add("default_", chosen);
        rows.Add(("default_threshold_reason", chosen.Reason));
        foreach (var form in Enum.GetValues<CohortNormalisation.Form>())
        {
            var (mated, nonMated) = CohortNormalisation.Normalise(report.Mated, report.NonMated, form);
            var at = OpenSetMetrics.Compute(mated, nonMated, fpirTargets: [targetFpir]).FnirAtFpir[0];
            rows.Add(($"cohort_{form.ToString().ToLowerInvariant()}_fnir_at_fpir_{targetFpir:0e0}".Replace("e-0", "e-", StringComparison.Ordinal), at.Fnir));
        }

        return rows;
    }

    /// <summary>The threshold the gallery would apply by default to this split's gallery, and the rank-1 / FNIR it gives (the gate's figures on a labelled folder).</summary>
    public static GateFigures GateFigures(OpenSetReport report, ModelVersion model, double targetFpir)
    {
        ImpostorTail? shipped;
        string? problem = null;
        try
        {
            shipped = ImpostorTail.TryLoad(model);
        }
        catch (CalibrationMismatchException e)
        {
            (shipped, problem) = (null, e.Message);
        }

        var t = ThresholdPolicy.ForIdentification(null, report.KnownIdentities, targetFpir, new ThresholdPolicy.Calibrations(model, shipped, problem, GalleryCalibrationOf(report, model)));
        var (_, fnir) = OpenSetMetrics.AtThreshold(report.Mated, report.NonMated, t.Threshold);
        return new GateFigures(model.Id, report.Metrics.Rank1, fnir, t.Threshold, t.Source);
    }

    /// <summary>The split's gallery calibrated as the gallery calibrates itself: its enrolled faces against the other identities' centroids.</summary>
    private static GalleryCalibration GalleryCalibrationOf(OpenSetReport report, ModelVersion model)
    {
        var n = report.KnownIdentities;
        var total = report.GalleryImpostors.Sum();
        var points = total > 0 ? ImpostorCalibration.TailPoints(report.GalleryImpostors, total) : [];
        return new GalleryCalibration(model.Id, n, n, report.EnrolledImages, total, points.Select(p => p.Score).ToArray(), points.Select(p => p.Fmr).ToArray(), DateTimeOffset.UtcNow);
    }
}
