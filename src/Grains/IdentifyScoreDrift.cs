namespace FaceGrains.Grains;

/// <summary>
/// Whether the probes still look like the impostors the threshold was calibrated on: a window of this silo's last
/// <see cref="Capacity"/> searched faces, each kept as two numbers, compared at read time with the calibration.
/// <para>
/// The reference is the distribution the threshold itself assumes: a probe of nobody in a gallery of N identities has
/// a top score below s with probability F(s) = (1 − FMR(s))^N, FMR being the pair FMR of the calibration the threshold
/// was read from (the gallery's own tail model, else the version's shipped tail). So FPIR(t) = 1 − F(t).
/// </para>
/// <para>
/// Probes of enrolled people score above the threshold (or just below it, when missed), so the distance compares only
/// the faces whose top score fell below their threshold t, against the reference below t: each such face keeps
/// u = F(s) / F(t), which is uniform on [0, 1) when the non-matches score as calibrated. The drift is the
/// Kolmogorov–Smirnov distance of the window's u values from uniform: D = max |share of u ≤ x − x| (0 = as calibrated,
/// 1 = nothing alike). The upper side is read from the share of faces at or above the threshold against the FPIR
/// the calibration expects there (equal when no probe is of an enrolled person; mated probes add their share).
/// </para>
/// Recording copies two floats into preallocated arrays under a lock; reading sorts a preallocated copy.
/// </summary>
public sealed class IdentifyScoreDrift
{
    /// <summary>Faces in the window (per silo).</summary>
    public const int Capacity = 1000;

    private readonly float[] level = new float[Capacity];
    private readonly float[] expected = new float[Capacity];
    private readonly float[] sorted = new float[Capacity];
    private readonly Lock gate = new();
    private int next;
    private int count;

    /// <summary>
    /// One searched face: its best candidate's <paramref name="topScore"/>, the <paramref name="threshold"/> it was
    /// decided at, the gallery size it was chosen for, and the pair FMR function of the calibration it was read from.
    /// </summary>
    public void Record(double topScore, double threshold, int gallerySize, Func<double, double> pairFmr)
    {
        ArgumentNullException.ThrowIfNull(pairFmr);
        var n = Math.Max(gallerySize, 1);
        var belowThreshold = TopImpostorCdf(pairFmr(threshold), n);
        var u = topScore >= threshold || belowThreshold <= 0 ? float.NaN : (float)Math.Min(1, TopImpostorCdf(pairFmr(topScore), n) / belowThreshold);
        lock (gate)
        {
            level[next] = u;
            expected[next] = (float)(1 - belowThreshold);
            next = (next + 1) % Capacity;
            count = Math.Min(count + 1, Capacity);
        }
    }

    /// <summary>The window now: the drift distance, the share at or above the threshold, the expected FPIR, and the faces behind them.</summary>
    public DriftReading Read()
    {
        lock (gate)
        {
            var below = 0;
            var expectedSum = 0.0;
            for (var i = 0; i < count; i++)
            {
                expectedSum += expected[i];
                if (!float.IsNaN(level[i]))
                {
                    sorted[below++] = level[i];
                }
            }

            var values = sorted.AsSpan(0, below);
            values.Sort();
            var distance = 0.0;
            for (var i = 0; i < below; i++)
            {
                distance = Math.Max(distance, Math.Max(((i + 1.0) / below) - values[i], values[i] - ((double)i / below)));
            }

            return count == 0
                ? new DriftReading(0, 0, 0, 0, 0)
                : new DriftReading(distance, (double)(count - below) / count, expectedSum / count, count, below);
        }
    }

    /// <summary>P(top impostor score &lt; s) in a gallery of <paramref name="n"/> identities, given the pair FMR at s.</summary>
    private static double TopImpostorCdf(double fmr, int n) => Math.Pow(1 - Math.Clamp(fmr, 0, 1), n);
}
