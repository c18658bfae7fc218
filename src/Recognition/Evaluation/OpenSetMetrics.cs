namespace FaceGrains.Recognition.Evaluation;

/// <summary>
/// Open-set 1:N identification metrics as in ISO/IEC 19795-1 and NIST FRVT 1:N, with a candidate counted when its
/// score is ≥ the threshold T:
/// FPIR(T) = share of non-mated searches whose top candidate scores ≥ T;
/// FNIR(T, R) = share of mated searches whose mated identity is not within the first R candidates with score ≥ T.
/// </summary>
public static class OpenSetMetrics
{
    /// <summary>The FPIRs at which FNIR is reported by default.</summary>
    public static IReadOnlyList<double> StandardFpirTargets { get; } = [1e-2, 1e-3];

    /// <summary>Ranks covered by the CMC unless asked otherwise.</summary>
    public const int DefaultCmcRanks = 20;

    /// <param name="mated">Mated searches; at least one.</param>
    /// <param name="nonMated">Non-mated searches; may be empty (then nothing FPIR-based is resolvable).</param>
    /// <param name="cmcRanks">K: the CMC covers ranks 1..K.</param>
    /// <param name="rank">R for FNIR (1 = the mated identity must be the top candidate).</param>
    /// <param name="fpirTargets">FPIRs for <see cref="OpenSetResult.FnirAtFpir"/>; defaults to <see cref="StandardFpirTargets"/>.</param>
    public static OpenSetResult Compute(
        IReadOnlyList<MatedSearch> mated,
        IReadOnlyList<NonMatedSearch> nonMated,
        int cmcRanks = DefaultCmcRanks,
        int rank = 1,
        IReadOnlyList<double>? fpirTargets = null)
    {
        ArgumentNullException.ThrowIfNull(mated);
        ArgumentNullException.ThrowIfNull(nonMated);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cmcRanks);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rank);
        if (mated.Count == 0)
        {
            throw new ArgumentException("Need at least one mated search.", nameof(mated));
        }

        // Per mated search: the rank (1-based) and score of the first candidate of the mated identity.
        var matedRanks = new int[mated.Count];
        var matedScores = new double[mated.Count];
        for (var s = 0; s < mated.Count; s++)
        {
            var candidates = mated[s].Candidates;
            RequireBestFirst(candidates, $"mated search {s}");
            matedRanks[s] = int.MaxValue;
            matedScores[s] = double.NegativeInfinity;
            for (var c = 0; c < candidates.Count; c++)
            {
                if (candidates[c].IdentityId == mated[s].MatedIdentityId)
                {
                    matedRanks[s] = c + 1;
                    matedScores[s] = candidates[c].Score;
                    break;
                }
            }
        }

        var nonMatedTops = new double[nonMated.Count];
        for (var s = 0; s < nonMated.Count; s++)
        {
            var candidates = nonMated[s].Candidates;
            RequireBestFirst(candidates, $"non-mated search {s}");
            // An empty answer can never be a false positive, whatever the threshold.
            nonMatedTops[s] = candidates.Count > 0 ? candidates[0].Score : double.NegativeInfinity;
        }

        var cmc = new double[cmcRanks];
        for (var r = 1; r <= cmcRanks; r++)
        {
            cmc[r - 1] = (double)matedRanks.Count(x => x <= r) / mated.Count;
        }

        // Scores of mated hits that can count at rank R, best first; non-mated tops, best first.
        var hits = matedScores.Where((_, i) => matedRanks[i] <= rank).OrderDescending().ToArray();
        var tops = nonMatedTops.OrderDescending().ToArray();
        var targets = (fpirTargets ?? StandardFpirTargets)
            .Select(target => AtFpir(target, tops, hits, mated.Count, rank))
            .ToArray();
        return new OpenSetResult(mated.Count, nonMated.Count, cmc[0], cmc, targets, DetCurve(tops, hits, mated.Count));
    }

    /// <summary>
    /// FPIR and FNIR (rank 1) at a given threshold: what a gallery deciding at <paramref name="threshold"/> would answer on
    /// these searches. Unlike <see cref="Compute"/>'s FNIR at a target FPIR, the threshold is not chosen on the searches.
    /// </summary>
    public static (double Fpir, double Fnir) AtThreshold(IReadOnlyList<MatedSearch> mated, IReadOnlyList<NonMatedSearch> nonMated, double threshold)
    {
        ArgumentNullException.ThrowIfNull(mated);
        ArgumentNullException.ThrowIfNull(nonMated);
        var falsePositives = nonMated.Count(s => s.Candidates.Count > 0 && s.Candidates[0].Score >= threshold);
        var hits = mated.Count(s => s.Candidates.Count > 0 && s.Candidates[0].IdentityId == s.MatedIdentityId && s.Candidates[0].Score >= threshold);
        return (nonMated.Count == 0 ? double.NaN : (double)falsePositives / nonMated.Count, mated.Count == 0 ? double.NaN : 1 - ((double)hits / mated.Count));
    }

    private static FnirAtFpir AtFpir(double target, double[] topsDescending, double[] hitsDescending, int matedCount, int rank)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(target);
        var n = topsDescending.Length;
        if (n == 0)
        {
            return new FnirAtFpir(target, double.NegativeInfinity, double.NaN, Fnir(double.NegativeInfinity, hitsDescending, matedCount), rank, Resolvable: false);
        }

        // The most false positives the target allows, computed by comparison so 0.29 · 100 gives 29, not 28.
        var allowed = (int)Math.Min(n, Math.Floor(target * n));
        while (allowed < n && (double)(allowed + 1) / n <= target)
        {
            allowed++;
        }

        while (allowed > 0 && (double)allowed / n > target)
        {
            allowed--;
        }

        var threshold = allowed >= n ? double.NegativeInfinity : Math.BitIncrement(topsDescending[allowed]);
        var fpir = (double)CountAtLeast(topsDescending, threshold) / n;
        return new FnirAtFpir(target, threshold, fpir, Fnir(threshold, hitsDescending, matedCount), rank, Resolvable: allowed >= 1);
    }

    private static List<DetPoint> DetCurve(double[] topsDescending, double[] hitsDescending, int matedCount)
    {
        var det = new List<DetPoint>();
        if (topsDescending.Length == 0)
        {
            return det;
        }

        var n = topsDescending.Length;
        det.Add(new DetPoint(0, 1, double.PositiveInfinity));
        int t = 0, h = 0;
        while (t < topsDescending.Length || h < hitsDescending.Length)
        {
            // Next distinct threshold: the larger of the two heads; take everything that equals it from both.
            var threshold = Math.Max(
                t < topsDescending.Length ? topsDescending[t] : double.NegativeInfinity,
                h < hitsDescending.Length ? hitsDescending[h] : double.NegativeInfinity);
            if (double.IsNegativeInfinity(threshold))
            {
                break;
            }

            while (t < topsDescending.Length && topsDescending[t] >= threshold)
            {
                t++;
            }

            while (h < hitsDescending.Length && hitsDescending[h] >= threshold)
            {
                h++;
            }

            det.Add(new DetPoint((double)t / n, 1 - ((double)h / matedCount), threshold));
        }

        return det;
    }

    private static double Fnir(double threshold, double[] hitsDescending, int matedCount) =>
        1 - ((double)CountAtLeast(hitsDescending, threshold) / matedCount);

    private static int CountAtLeast(double[] descending, double threshold)
    {
        var count = 0;
        while (count < descending.Length && descending[count] >= threshold)
        {
            count++;
        }

        return count;
    }

    private static void RequireBestFirst(IReadOnlyList<IdentificationCandidate> candidates, string what)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        for (var c = 0; c < candidates.Count; c++)
        {
            if (double.IsNaN(candidates[c].Score) || (c > 0 && candidates[c].Score > candidates[c - 1].Score))
            {
                throw new ArgumentException($"Candidates of {what} are not sorted by score descending (position {c}).", nameof(candidates));
            }
        }
    }
}
