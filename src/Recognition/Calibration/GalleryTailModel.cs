namespace FaceGrains.Recognition.Calibration;

/// <summary>
/// Thresholds from a gallery's own impostor scores (its enrolled faces against the other identities' centroids). Where
/// the scores resolve the target FMR (at least <see cref="ResolvedExceedances"/> of them expected above the threshold)
/// the threshold is read off them. A small gallery cannot resolve a low FMR (30 people × 3 faces give 2,610 scores,
/// and FPIR 1e-2 at N = 30 needs FMR ≈ 3e-4), so below that its tail is modelled: the shipped calibration's tail shape
/// moved and stretched onto the gallery's scores at two anchor levels it does resolve (the deepest with
/// <see cref="AnchorExceedances"/> scores above it, and a decade higher), and read there. Without a shipped tail the
/// gallery's own tail is extended with log FMR linear in score through the same anchors (an exponential tail).
/// </summary>
public sealed class GalleryTailModel
{
    /// <summary>A target FMR counts as resolved by the gallery's scores when this many are expected at or above its threshold.</summary>
    public const long ResolvedExceedances = 25;

    /// <summary>The deeper anchor of the model: the smallest FMR with this many scores at or above it.</summary>
    public const long AnchorExceedances = 50;

    /// <summary>Fewer scores than this, and the gallery's tail is neither read nor modelled: the shipped calibration applies.</summary>
    public const long MinScores = 1000;

    private const double MinStretch = 0.25;
    private const double MaxStretch = 4;

    private readonly ImpostorTail measured;
    private readonly ImpostorTail? shipped;
    private readonly double deepFmr;
    private readonly double highFmr;
    private readonly double deepScore;
    private readonly double highScore;

    private GalleryTailModel(ImpostorTail measured, ImpostorTail? shipped)
    {
        this.measured = measured;
        this.shipped = shipped;
        deepFmr = Math.Max((double)AnchorExceedances / measured.Pairs, measured.MinResolvedFmr);
        highFmr = Math.Min(0.1, 10 * deepFmr);
        deepScore = measured.ThresholdFor(deepFmr, out _);
        highScore = measured.ThresholdFor(highFmr, out _);
        if (shipped is not null)
        {
            var s1 = shipped.ThresholdFor(deepFmr, out _);
            var s2 = shipped.ThresholdFor(highFmr, out _);
            Stretch = s1 > s2 && deepScore > highScore ? Math.Clamp((deepScore - highScore) / (s1 - s2), MinStretch, MaxStretch) : 1;
            Shift = deepScore - (Stretch * s1);
        }
    }

    /// <summary>Impostor scores behind the model.</summary>
    public long Scores => measured.Pairs;

    /// <summary>The affine map shipped score → gallery score (1 without a shipped tail).</summary>
    public double Stretch { get; } = 1;

    public double Shift { get; }

    /// <summary>The model of <paramref name="points"/> (score ascending, FMR descending) over <paramref name="scores"/> scores, or null when there are too few to model.</summary>
    public static GalleryTailModel? From(IReadOnlyList<TailPoint> points, long scores, ImpostorTail? shipped)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (scores < MinScores || points.Count < 2)
        {
            return null;
        }

        var measured = new ImpostorTail { Points = points, Pairs = scores };
        measured.Validate();
        return new GalleryTailModel(measured, shipped);
    }

    /// <summary>Whether <paramref name="fmr"/> is resolved by the gallery's own scores.</summary>
    public bool Resolves(double fmr) => fmr * measured.Pairs >= ResolvedExceedances && fmr >= measured.MinResolvedFmr;

    /// <summary>The threshold for pair FMR <paramref name="fmr"/>: read off the scores where they resolve it, else modelled.</summary>
    public double ThresholdFor(double fmr, out bool modelled)
    {
        modelled = !Resolves(fmr);
        if (!modelled)
        {
            return measured.ThresholdFor(fmr, out _);
        }

        if (fmr >= deepFmr)
        {
            // Between the deep anchor and the resolution limit: the measured points still hold, with fewer scores behind them.
            return measured.ThresholdFor(fmr, out _);
        }

        if (shipped is not null)
        {
            return Math.Min(1, (Stretch * shipped.ThresholdFor(fmr, out _)) + Shift);
        }

        // Exponential tail through the two anchors: log FMR linear in score.
        var slope = (deepScore - highScore) / (Math.Log(deepFmr) - Math.Log(highFmr));
        return Math.Min(1, deepScore + (slope * (Math.Log(fmr) - Math.Log(deepFmr))));
    }

    /// <summary>The pair FMR at <paramref name="threshold"/> under the model (the inverse of <see cref="ThresholdFor"/>).</summary>
    public double FmrAt(double threshold)
    {
        if (threshold <= deepScore || (shipped is null && deepScore <= highScore))
        {
            return measured.FmrAt(threshold);
        }

        if (shipped is not null)
        {
            return Math.Min(deepFmr, shipped.FmrAt((threshold - Shift) / Stretch));
        }

        var slope = (deepScore - highScore) / (Math.Log(deepFmr) - Math.Log(highFmr));
        return Math.Exp(Math.Log(deepFmr) + ((threshold - deepScore) / slope));
    }

    /// <summary>How the tail below the resolved part is modelled, for answers and logs.</summary>
    public string Describe() => shipped is not null
        ? $"below FMR {deepFmr:0.##e0} the shipped tail's shape, mapped onto the gallery's scores (×{Stretch:0.###}, {Shift:+0.0000;-0.0000})"
        : $"below FMR {deepFmr:0.##e0} an exponential tail through the gallery's scores at FMR {highFmr:0.##e0} and {deepFmr:0.##e0}";
}
