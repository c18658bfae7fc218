using System.Globalization;
using System.Text.Json.Nodes;
using FaceGrains.Grains.Interfaces;
using FaceGrains.Recognition.Evaluation;

namespace FaceGrains.ClientCli.Gallery;

/// <summary>
/// Scores the gallery's answers: the measured open-set metrics over their candidate lists (exactly what
/// <c>eval openset</c> computes offline: each probe photo stands for its largest face, and a photo without a usable face
/// is left out) and the decisions the gallery took at its default operating point.
/// </summary>
public sealed record DemoReport(OpenSetResult Metrics, double UnknownRejected, double FnirAtDefault, AppliedThreshold? Threshold, int RejectedProbes)
{
    /// <param name="mated">Per probe: the true identity, or null for an unknown person.</param>
    /// <param name="enrolled">Identities with at least one enrolled face; probes of known people none of whose images were enrolled are left out, as eval openset leaves them out.</param>
    public static DemoReport From(IReadOnlyList<string?> mated, IReadOnlyList<ProbeAnswer> answers, IReadOnlySet<string> enrolled)
    {
        var matedSearches = new List<MatedSearch>();
        var nonMatedSearches = new List<NonMatedSearch>();
        int unknownRejected = 0, unknownTotal = 0, matedMissed = 0, matedTotal = 0, rejected = 0;
        AppliedThreshold? threshold = null;
        for (var i = 0; i < answers.Count; i++)
        {
            if (answers[i].Rejection is not null || answers[i].Faces.Count == 0)
            {
                rejected++;
                continue;
            }

            if (mated[i] is { } person && !enrolled.Contains(person))
            {
                continue;
            }

            threshold ??= answers[i].Threshold;
            var a = answers[i].Faces[0];
            var candidates = a.Candidates.Select(c => new IdentificationCandidate(c.IdentityId, c.Score)).ToList();
            if (mated[i] is { } truth)
            {
                matedSearches.Add(new MatedSearch(truth, candidates));
                matedTotal++;
                matedMissed += a.Decision == IdentifyDecision.Identified && a.IdentityId == truth ? 0 : 1;
            }
            else
            {
                nonMatedSearches.Add(new NonMatedSearch(candidates));
                unknownTotal++;
                unknownRejected += a.Decision == IdentifyDecision.NoCorrespondence ? 1 : 0;
            }
        }

        return new DemoReport(
            OpenSetMetrics.Compute(matedSearches, nonMatedSearches),
            unknownTotal == 0 ? double.NaN : (double)unknownRejected / unknownTotal,
            matedTotal == 0 ? double.NaN : (double)matedMissed / matedTotal,
            threshold,
            rejected);
    }

    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["rank1"] = Metrics.Rank1,
            ["unknown_rejected"] = UnknownRejected,
            ["fpir_at_default"] = 1 - UnknownRejected,
            ["fnir_at_default"] = FnirAtDefault,
            ["threshold"] = Threshold?.Threshold,
            ["threshold_source"] = Threshold is null ? null : GalleryJson.ToNode(Threshold.Source),
            ["threshold_impostor_scores"] = Threshold?.ImpostorScores,
            ["threshold_calibration"] = Threshold?.Calibration,
            ["threshold_reason"] = Threshold?.Reason,
            ["mated_searches"] = Metrics.MatedCount,
            ["non_mated_searches"] = Metrics.NonMatedCount,
            ["rejected_probes"] = RejectedProbes,
        };
        foreach (var f in Metrics.FnirAtFpir)
        {
            var e = "1e" + Math.Round(Math.Log10(f.TargetFpir)).ToString(CultureInfo.InvariantCulture);
            json[$"fnir_at_fpir_{e}"] = f.Fnir;
            json[$"threshold_at_fpir_{e}"] = f.Threshold;
        }

        return json;
    }
}
