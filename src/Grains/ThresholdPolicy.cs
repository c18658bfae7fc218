using System.Globalization;
using FaceGrains.Grains.Interfaces;
using FaceGrains.Recognition.Calibration;
using FaceGrains.Recognition.Models;

namespace FaceGrains.Grains;

/// <summary>
/// Chooses the decision threshold of an answer: the one mechanism that turns an operating point into a threshold.
/// Open set: a target FPIR at the gallery's current size N becomes a per-comparison FMR = 1 − (1 − FPIR)^(1/N), read off
/// the nearest-domain calibration: the gallery's own impostor scores (<see cref="GalleryTailModel"/>: measured where they
/// resolve the FMR, modelled below), else the tail shipped with the model version, else the manifest's pair threshold
/// (which does not hold the target), else threshold 1 (nothing identified). Verification is the same at N = 1 with a
/// target FMR. A caller may give a raw threshold instead. Every answer says which source and why.
/// </summary>
public static class ThresholdPolicy
{
    /// <summary>The manifest threshold used when a model version has no impostor tail.</summary>
    public const string FallbackThresholdName = "far_1e-3";

    private const double FallbackPairFmr = 1e-3;

    /// <summary>What the thresholds of one model version are chosen from.</summary>
    public sealed record Calibrations(ModelVersion Version, ImpostorTail? Shipped, string? ShippedProblem, GalleryCalibration? Gallery)
    {
        public static Calibrations Of(LoadedModel model, GalleryCalibration? gallery) =>
            new(model.Version, model.ShippedTail, model.CalibrationProblem, gallery?.ModelVersion == model.Id ? gallery : null);

        /// <summary>The gallery's tail model, or null when it has too few scores to read or model.</summary>
        public GalleryTailModel? GalleryModel => Gallery is null ? null : TailModelOf(Gallery, Shipped);

        /// <summary>
        /// What an unknown probe's top score should look like, nearest domain first: the gallery's measured best impostor
        /// scores (from <see cref="TopImpostorReference.MinMeasuredFaces"/> sampled faces on), else the top of N scores
        /// modelled on the pair tail thresholds are read from (the gallery's, else the shipped one); null without either.
        /// </summary>
        public TopImpostorReference? TopImpostors()
        {
            if (Gallery is { TopImpostorQuantiles: { } quantiles } gallery
                && TopImpostorReference.Measured(quantiles, gallery.SampledFaces, gallery.GallerySize - 1) is { } measured)
            {
                return measured;
            }

            return GalleryModel is { } model ? TopImpostorReference.FromPairTail(model.FmrAt)
                : Shipped is { } tail ? TopImpostorReference.FromPairTail(tail.FmrAt)
                : null;
        }
    }

    /// <summary>A gallery calibration's tail model (shaped by <paramref name="shipped"/> where given), or null when it has too few scores; a tail that is not one throws <see cref="InvalidDataException"/>.</summary>
    public static GalleryTailModel? TailModelOf(GalleryCalibration gallery, ImpostorTail? shipped)
    {
        ArgumentNullException.ThrowIfNull(gallery);
        return GalleryTailModel.From(gallery.Scores.Zip(gallery.Fmrs, (s, f) => new TailPoint(s, f)).ToList(), gallery.ImpostorScores, shipped);
    }

    public static AppliedThreshold ForIdentification(ThresholdRequest? request, int gallerySize, double defaultTargetFpir, Calibrations calibrations)
    {
        if (request?.TargetFmr is not null)
        {
            throw new ArgumentException("Identification takes a target FPIR (target_fpir), not a target FMR.", nameof(request));
        }

        return Choose(request?.Threshold, request?.TargetFpir, Math.Max(gallerySize, 0), defaultTargetFpir, calibrations, verification: false);
    }

    /// <summary>1:1: the same arithmetic at N = 1, where the target is a pair FMR.</summary>
    public static AppliedThreshold ForVerification(ThresholdRequest? request, double defaultTargetFmr, Calibrations calibrations)
    {
        if (request?.TargetFpir is not null)
        {
            throw new ArgumentException("Verification takes a target FMR (target_fmr), not a target FPIR.", nameof(request));
        }

        return Choose(request?.Threshold, request?.TargetFmr, 1, defaultTargetFmr, calibrations, verification: true);
    }

    private static AppliedThreshold Choose(double? raw, double? requestedTarget, int n, double defaultTarget, Calibrations c, bool verification)
    {
        ArgumentNullException.ThrowIfNull(c);
        var rate = verification ? "FMR" : "FPIR";
        if (raw is not null && requestedTarget is not null)
        {
            throw new ArgumentException("Give a target rate or a raw threshold, not both.");
        }

        var galleryModel = c.GalleryModel;
        if (raw is { } requested)
        {
            if (!double.IsFinite(requested))
            {
                throw new ArgumentException($"Threshold {requested} is not a number.");
            }

            double? fmr = galleryModel?.FmrAt(requested) ?? c.Shipped?.FmrAt(requested);
            return new AppliedThreshold(
                requested,
                ThresholdSource.Requested,
                null,
                n,
                fmr,
                fmr is { } f ? OpenSetThreshold.FpirFor(f, n) : null,
                $"threshold {F(requested)} requested by the caller" + (fmr is { } g ? $" (pair FMR ≈ {G(g)} on the {(galleryModel is not null ? "gallery's" : "shipped")} calibration)" : ""));
        }

        var target = requestedTarget ?? defaultTarget;
        if (!(target > 0 && target < 1))
        {
            throw new ArgumentException($"Target {rate} {target} must be in (0, 1).");
        }

        var searched = Math.Max(n, 1);
        var pairFmr = OpenSetThreshold.PairFmrFor(target, searched);
        var how = verification ? $"target FMR {G(target)}" : $"target FPIR {G(target)} at N = {n} identities → pair FMR {G(pairFmr)}";
        double? targetFpir = verification ? null : target;
        double? targetFmr = verification ? target : null;

        if (galleryModel is not null && c.Gallery is { } gallery)
        {
            var threshold = galleryModel.ThresholdFor(pairFmr, out var modelled);
            var achieved = galleryModel.FmrAt(threshold);
            var origin = $"the gallery's own impostor scores: {gallery.SampledFaces:N0} enrolled faces of {gallery.SampledIdentities:N0} identities against the other identities' centroids ({gallery.ImpostorScores:N0} scores, measured at N = {gallery.GallerySize})";
            var reason = modelled
                ? $"{how} → threshold {F(threshold)}, modelled from {origin}: they resolve FMR only down to about {G((double)GalleryTailModel.ResolvedExceedances / gallery.ImpostorScores)}, so {galleryModel.Describe()}"
                : $"{how} → threshold {F(threshold)} measured on {origin}";
            return new AppliedThreshold(threshold, ThresholdSource.Gallery, targetFpir, n, achieved, OpenSetThreshold.FpirFor(achieved, searched), reason, targetFmr, gallery.ImpostorScores, origin);
        }

        if (c.Shipped is { } tail)
        {
            var threshold = tail.ThresholdFor(pairFmr, out var clamped);
            var achieved = tail.FmrAt(threshold);
            var reason = $"{how} → threshold {F(threshold)} from the calibration shipped with the model version ({tail.Pairs:N0} impostor scores: {tail.Source})";
            if (clamped)
            {
                reason += $"; it resolves FMR only down to {G(tail.MinResolvedFmr)}, so its most extreme threshold is used and the {rate} may exceed the target";
            }

            if (!verification)
            {
                reason += "; the gallery's own calibration takes over once it has enough enrolled faces";
            }

            return new AppliedThreshold(threshold, ThresholdSource.Shipped, targetFpir, n, achieved, OpenSetThreshold.FpirFor(achieved, searched), reason, targetFmr, tail.Pairs, tail.Source);
        }

        var refused = c.ShippedProblem is { } problem ? $"the stored calibration was refused ({problem}); " : "";
        if (c.Version.Manifest.Thresholds.TryGetValue(FallbackThresholdName, out var fallback))
        {
            var expected = OpenSetThreshold.FpirFor(FallbackPairFmr, searched);
            return new AppliedThreshold(
                fallback,
                ThresholdSource.ManifestFallback,
                targetFpir,
                n,
                FallbackPairFmr,
                expected,
                $"{refused}model version not calibrated (no {ImpostorTail.FileName}): manifest pair threshold {FallbackThresholdName} = {F(fallback)}; "
                + $"at N = {n} this gives FPIR ≈ {G(expected)}, not the target {G(target)}. Run `facegrains models calibrate`.",
                targetFmr);
        }

        return new AppliedThreshold(
            1.0,
            ThresholdSource.Uncalibrated,
            targetFpir,
            n,
            null,
            null,
            $"{refused}model version has neither an impostor calibration ({ImpostorTail.FileName}) nor a manifest threshold, and the gallery has too few faces to calibrate itself: threshold 1, nothing is identified. Run `facegrains models calibrate`.",
            targetFmr);
    }

    private static string F(double value) => value.ToString("0.0000", CultureInfo.InvariantCulture);

    private static string G(double value) => value.ToString("0.###e0", CultureInfo.InvariantCulture);
}
