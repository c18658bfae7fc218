namespace FaceGrains.Recognition.Evaluation;

/// <summary>
/// 1:1 verification metrics from pair scores and genuine/impostor labels; a higher score means more similar and a pair
/// is accepted when its score is ≥ the threshold. Knows nothing of models, so trainer, imported model and live gallery
/// are scored by the same code.
/// </summary>
public static class VerificationMetrics
{
    /// <summary>The FARs at which TAR is reported by default.</summary>
    public static IReadOnlyList<double> StandardFarTargets { get; } = [1e-2, 1e-3, 1e-4];

    public static VerificationResult Compute(ReadOnlySpan<double> scores, ReadOnlySpan<bool> genuine)
    {
        var roc = RocCurve(scores, genuine, out var genuineCount, out var impostorCount);
        var (eer, eerThreshold) = EqualErrorRate(roc);
        var tarAtFar = StandardFarTargets.Select(target => TarAt(roc, impostorCount, target)).ToArray();
        return new VerificationResult(genuineCount, impostorCount, roc, Auc(roc), eer, eerThreshold, tarAtFar);
    }

    /// <summary>
    /// TAR at <paramref name="targetFar"/>: the largest TAR among points of <paramref name="roc"/> with FAR ≤ the target,
    /// and that point's threshold. With fewer than 1/target impostor pairs the next step of FAR (1/impostors) already
    /// exceeds the target, so this is TAR at FAR = 0 and is flagged not <see cref="TarAtFar.Resolvable"/>.
    /// </summary>
    public static TarAtFar TarAt(IReadOnlyList<RocPoint> roc, int impostorCount, double targetFar)
    {
        ArgumentNullException.ThrowIfNull(roc);
        ArgumentOutOfRangeException.ThrowIfNegative(targetFar);
        var best = roc[0];
        foreach (var point in roc)
        {
            // FAR never decreases along the curve, so the last point within the target has the largest TAR.
            if (point.Far > targetFar)
            {
                break;
            }

            best = point;
        }

        return new TarAtFar(targetFar, best.Tar, best.Threshold, best.Far, impostorCount * targetFar >= 1);
    }

    /// <summary>The ROC curve over all distinct thresholds (see <see cref="VerificationResult.Roc"/>).</summary>
    public static IReadOnlyList<RocPoint> RocCurve(ReadOnlySpan<double> scores, ReadOnlySpan<bool> genuine, out int genuineCount, out int impostorCount)
    {
        if (scores.Length != genuine.Length)
        {
            throw new ArgumentException($"{scores.Length} scores but {genuine.Length} labels.", nameof(genuine));
        }

        genuineCount = 0;
        for (var i = 0; i < scores.Length; i++)
        {
            if (double.IsNaN(scores[i]))
            {
                throw new ArgumentException($"Score {i} is NaN.", nameof(scores));
            }

            genuineCount += genuine[i] ? 1 : 0;
        }

        impostorCount = scores.Length - genuineCount;
        if (genuineCount == 0 || impostorCount == 0)
        {
            throw new ArgumentException($"Need both genuine and impostor pairs (got {genuineCount} genuine, {impostorCount} impostor).", nameof(genuine));
        }

        var sorted = scores.ToArray();
        var labels = genuine.ToArray();
        Array.Sort(sorted, labels);

        var roc = new List<RocPoint> { new(0, 0, double.PositiveInfinity) };
        int accepted = 0, falseAccepts = 0;
        for (var i = sorted.Length - 1; i >= 0;)
        {
            // Every pair with the same score is accepted together: one point per distinct threshold.
            var threshold = sorted[i];
            for (; i >= 0 && sorted[i] == threshold; i--)
            {
                if (labels[i])
                {
                    accepted++;
                }
                else
                {
                    falseAccepts++;
                }
            }

            roc.Add(new RocPoint((double)falseAccepts / impostorCount, (double)accepted / genuineCount, threshold));
        }

        return roc;
    }

    private static double Auc(IReadOnlyList<RocPoint> roc)
    {
        var area = 0.0;
        for (var i = 1; i < roc.Count; i++)
        {
            area += (roc[i].Far - roc[i - 1].Far) * (roc[i].Tar + roc[i - 1].Tar) / 2;
        }

        return area;
    }

    private static (double Eer, double Threshold) EqualErrorRate(IReadOnlyList<RocPoint> roc)
    {
        // FAR − FRR starts at −1 (threshold +∞) and ends at +1 or 0 (lowest threshold), never decreasing:
        // find the first point where it is ≥ 0 and interpolate from the one before.
        for (var i = 1; i < roc.Count; i++)
        {
            var gap = roc[i].Far - roc[i].Frr;
            if (gap < 0)
            {
                continue;
            }

            if (gap == 0)
            {
                return (roc[i].Far, roc[i].Threshold);
            }

            var previousGap = roc[i - 1].Far - roc[i - 1].Frr;
            var t = -previousGap / (gap - previousGap);
            var eer = roc[i - 1].Far + (t * (roc[i].Far - roc[i - 1].Far));
            var threshold = double.IsPositiveInfinity(roc[i - 1].Threshold)
                ? roc[i].Threshold
                : roc[i - 1].Threshold + (t * (roc[i].Threshold - roc[i - 1].Threshold));
            return (eer, threshold);
        }

        // Unreachable: the last point has FAR = 1 ≥ FRR = 0.
        var last = roc[^1];
        return (last.Far, last.Threshold);
    }
}
