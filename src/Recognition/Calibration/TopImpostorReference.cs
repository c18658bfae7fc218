namespace FaceGrains.Recognition.Calibration;

/// <summary>
/// The distribution a probe of nobody enrolled should show as its best score in a gallery of N identities: the reference
/// the score drift is measured against. Measured where the gallery measured it (<see cref="Measured"/>: quantiles of
/// each sampled enrolled face's best score against the other identities' centroids, taken to another size N by
/// F_N = F^(N / compared)), else modelled from a pair tail as the threshold is (<see cref="FromPairTail"/>: the top of
/// N independent impostor scores, F_N(s) = (1 − FMR(s))^N). The model runs high in practice: one probe's scores
/// against many people are not independent, so its best one lies lower than the model says.
/// </summary>
public sealed class TopImpostorReference
{
    /// <summary>Fewer sampled faces than this, and measured quantiles are not used.</summary>
    public const int MinMeasuredFaces = 100;

    private readonly double[]? quantiles;
    private readonly int compared;
    private readonly Func<double, double>? pairFmr;

    private TopImpostorReference(double[]? quantiles, int compared, Func<double, double>? pairFmr)
    {
        this.quantiles = quantiles;
        this.compared = compared;
        this.pairFmr = pairFmr;
    }

    /// <summary>Whether this reference was measured (true) or modelled from a pair tail.</summary>
    public bool IsMeasured => quantiles is not null;

    /// <summary>
    /// From <paramref name="quantiles"/> (evenly spaced, 0 to 1 inclusive, ascending) of best impostor scores against
    /// <paramref name="compared"/> identities each; null when too few faces stand behind them.
    /// </summary>
    public static TopImpostorReference? Measured(IReadOnlyList<double>? quantiles, int faces, int compared) =>
        quantiles is { Count: >= 2 } && faces >= MinMeasuredFaces && compared >= 1 ? new([.. quantiles], compared, null) : null;

    public static TopImpostorReference FromPairTail(Func<double, double> pairFmr)
    {
        ArgumentNullException.ThrowIfNull(pairFmr);
        return new(null, 0, pairFmr);
    }

    /// <summary>P(best impostor score &lt; <paramref name="score"/>) for a probe searched against <paramref name="gallerySize"/> identities.</summary>
    public double Cdf(double score, int gallerySize)
    {
        var n = Math.Max(gallerySize, 1);
        if (pairFmr is not null)
        {
            return Math.Pow(1 - Math.Clamp(pairFmr(score), 0, 1), n);
        }

        var q = quantiles!;
        double measured;
        if (score <= q[0])
        {
            measured = 0;
        }
        else if (score >= q[^1])
        {
            measured = 1;
        }
        else
        {
            var hi = 1;
            while (q[hi] <= score)
            {
                hi++;
            }

            var lo = hi - 1;
            var within = q[hi] > q[lo] ? (score - q[lo]) / (q[hi] - q[lo]) : 0;
            measured = (lo + within) / (q.Length - 1);
        }

        return n == compared ? measured : Math.Pow(measured, (double)n / compared);
    }

    /// <summary><paramref name="count"/> evenly spaced quantiles (0 to 1 inclusive) of <paramref name="scores"/>, which it sorts.</summary>
    public static double[] QuantilesOf(float[] scores, int count = 101)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 2);
        if (scores.Length == 0)
        {
            return [];
        }

        Array.Sort(scores);
        return [.. Enumerable.Range(0, count).Select(i =>
        {
            var at = (double)i / (count - 1) * (scores.Length - 1);
            var lo = (int)Math.Floor(at);
            var hi = Math.Min(lo + 1, scores.Length - 1);
            return scores[lo] + ((at - lo) * (scores[hi] - scores[lo]));
        })];
    }
}
