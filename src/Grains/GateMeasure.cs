using FaceGrains.Grains.Interfaces;

namespace FaceGrains.Grains;

/// <summary>
/// The arithmetic of a gate on the gallery: each held-out face's score against its own identity (the other faces) and
/// the best score against any other identity, read at one version's threshold.
/// </summary>
public static class GateMeasure
{
    /// <summary>One held-out face: <paramref name="Genuine"/> against its own identity without it, <paramref name="BestImpostor"/> against every other identity (−∞ when there is none).</summary>
    public readonly record struct Search(float Genuine, float BestImpostor);

    /// <summary>Rank-1 (the own identity scores highest) and FNIR at the threshold (the own identity is not identified: below the threshold or outranked).</summary>
    public static (double? Rank1, double? Fnir) Figures(IReadOnlyList<Search> searches, double threshold)
    {
        ArgumentNullException.ThrowIfNull(searches);
        if (searches.Count == 0)
        {
            return (null, null);
        }

        var rank1 = searches.Count(s => s.Genuine > s.BestImpostor);
        var identified = searches.Count(s => s.Genuine > s.BestImpostor && s.Genuine >= threshold);
        return ((double)rank1 / searches.Count, 1 - ((double)identified / searches.Count));
    }

    /// <summary>
    /// Whether the candidate may replace the active version: it needs its own calibration, and may be worse by at most
    /// <paramref name="margin"/> in rank-1 and in FNIR (on the gallery, and on the labelled folder when there is one).
    /// </summary>
    public static (bool Passed, string Reason) Decide(GateFigures active, GateFigures candidate, GateFigures? folderActive, GateFigures? folderCandidate, int searches, double margin)
    {
        ArgumentNullException.ThrowIfNull(active);
        ArgumentNullException.ThrowIfNull(candidate);
        if (candidate.ThresholdSource is not (ThresholdSource.Shipped or ThresholdSource.Gallery))
        {
            return (false, $"the candidate has no calibration of its own (threshold source {candidate.ThresholdSource}): ship a calibration with it (`facegrains models calibrate`), or enrol enough identities for the gallery's own");
        }

        var worse = new List<string>();
        void Compare(string where, GateFigures a, GateFigures c)
        {
            if (c.Rank1 is { } cr && a.Rank1 is { } ar && cr < ar - margin)
            {
                worse.Add($"rank-1 on {where} {c.Rank1:P2} against {a.Rank1:P2}");
            }

            if (c.FnirAtTarget is { } cf && a.FnirAtTarget is { } af && cf > af + margin)
            {
                worse.Add($"FNIR on {where} {c.FnirAtTarget:P2} against {a.FnirAtTarget:P2}");
            }
        }

        if (searches > 0)
        {
            Compare("the gallery", active, candidate);
        }

        if (folderActive is not null && folderCandidate is not null)
        {
            Compare("the gate data", folderActive, folderCandidate);
        }

        if (worse.Count > 0)
        {
            return (false, $"the candidate is worse than the active version by more than the margin ({margin:P1}): {string.Join("; ", worse)}");
        }

        return (true, searches == 0 && folderActive is null
            ? "no identity has two faces to compare on, and no gate data was given: passed on the candidate's calibration alone"
            : $"the candidate is within {margin:P1} of the active version or better");
    }
}
