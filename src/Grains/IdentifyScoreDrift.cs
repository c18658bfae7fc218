using FaceGrains.Recognition.Calibration;

namespace FaceGrains.Grains;

/// <summary>
/// Whether the probes still look like the impostors the threshold was calibrated on: a window of this silo's last
/// <see cref="Capacity"/> searched faces, each kept as two numbers, compared at read time with the calibration.
/// <para>
/// The reference F_N(s) = P(an unknown probe's top score &lt; s in a gallery of N identities) is
/// <see cref="TopImpostorReference"/>: the gallery's own measured best impostor scores where it has them, else the top
/// of N pair scores modelled on the calibration the threshold was read from.
/// </para>
/// <para>
/// Probes of enrolled people score above the threshold (or just below it, when missed), so the distance compares only
/// the faces whose top score s fell below their threshold t with the reference below t: each keeps
/// u = F_N(s) / F_N(t), uniform on [0, 1) when the non-matches score as calibrated. The drift is the Kolmogorov–Smirnov
/// distance of the window's u values from uniform, D = max over x of |share of u ≤ x − x| (0 = as calibrated, 1 =
/// nothing alike). The upper side is the share of faces at or above their threshold against the FPIR their answers
/// expected (equal when no probe is of an enrolled person; mated probes add their share).
/// </para>
/// Recording stores two floats in preallocated arrays under a lock; reading sorts a preallocated copy.
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
    /// decided at with the FPIR its answer expected there (null: read off the reference), the gallery size, and the reference.
    /// </summary>
    public void Record(double topScore, double threshold, double? expectedFpir, int gallerySize, TopImpostorReference reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var belowThreshold = reference.Cdf(threshold, gallerySize);
        var u = topScore >= threshold || belowThreshold <= 0 ? float.NaN : (float)Math.Min(1, reference.Cdf(topScore, gallerySize) / belowThreshold);
        var fpir = (float)(expectedFpir ?? (1 - belowThreshold));
        lock (gate)
        {
            level[next] = u;
            expected[next] = fpir;
            next = (next + 1) % Capacity;
            count = Math.Min(count + 1, Capacity);
        }
    }

    /// <summary>The window now: the drift distance, the share at or above the threshold, the expected FPIR, and the faces behind them.</summary>
    public DriftReading Read()
    {
        lock (gate)
        {
            if (count == 0)
            {
                return new DriftReading(0, 0, 0, 0, 0);
            }

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

            return new DriftReading(distance, (double)(count - below) / count, expectedSum / count, count, below);
        }
    }
}
