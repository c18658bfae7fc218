using System.Buffers;

namespace FaceGrains.Recognition.Preprocessing;

/// <summary>
/// Precomputed filter taps along one axis for resampling the span [start, start + length) of a source
/// axis onto <c>outputSize</c> samples, the way PIL's BILINEAR resize with a box does: a triangle filter
/// whose support widens by the scale factor when shrinking (antialiasing), weights normalised over the
/// taps that exist. The source is the image padded with black just far enough to cover the span, so
/// taps on the padding keep their weight but add nothing.
/// </summary>
internal readonly struct ResampleAxis : IDisposable
{
    // The bilinear (triangle) filter reaches one source pixel each side at scale 1.
    private const double FilterSupport = 1.0;

    // A triangle of support s covers at most 2s + 1 whole pixels, plus one for the rounding of its ends.
    private const int ExtraTaps = 2;

    private readonly int[] firsts;
    private readonly int[] counts;
    private readonly float[] weights;

    private ResampleAxis(int outputSize, int stride, int[] firsts, int[] counts, float[] weights)
    {
        OutputSize = outputSize;
        Stride = stride;
        this.firsts = firsts;
        this.counts = counts;
        this.weights = weights;
    }

    public int OutputSize { get; }

    /// <summary>Room for taps per output sample in <see cref="Weights"/>.</summary>
    public int Stride { get; }

    /// <summary>First source index (inside the image) read for output <paramref name="i"/>.</summary>
    public int First(int i) => firsts[i];

    /// <summary>Number of source indices (inside the image) read for output <paramref name="i"/>; may be 0 on pure padding.</summary>
    public int Count(int i) => counts[i];

    /// <summary>Weights for output <paramref name="i"/>, one per source index from <see cref="First"/>.</summary>
    public ReadOnlySpan<float> Weights(int i) => weights.AsSpan(i * Stride, counts[i]);

    /// <summary>Lowest source index any output reads, or <paramref name="fallback"/> when none reads the image.</summary>
    public int MinFirst(int fallback)
    {
        var min = int.MaxValue;
        for (var i = 0; i < OutputSize; i++)
        {
            if (counts[i] > 0)
            {
                min = Math.Min(min, firsts[i]);
            }
        }

        return min == int.MaxValue ? fallback : min;
    }

    /// <summary>One past the highest source index any output reads, or <paramref name="fallback"/> when none reads the image.</summary>
    public int MaxEnd(int fallback)
    {
        var max = int.MinValue;
        for (var i = 0; i < OutputSize; i++)
        {
            if (counts[i] > 0)
            {
                max = Math.Max(max, firsts[i] + counts[i]);
            }
        }

        return max == int.MinValue ? fallback : max;
    }

    /// <summary>
    /// TensorFlow's legacy <c>resize_bilinear</c> (align_corners and half_pixel_centers both false), which
    /// face-api.js applies to its padded square: output i samples the square at <c>i · length / outputSize</c>,
    /// two taps, no antialiasing, clamped to the square's last pixel. The square's origin is rounded to whole pixels.
    /// </summary>
    public static ResampleAxis CreateTensorFlowLegacy(int inputSize, double start, double length, int outputSize)
    {
        const int taps = 2;
        var origin = (int)Math.Round(start);
        var last = Math.Max(0, (int)Math.Round(length) - 1);
        var scale = length / outputSize;
        var firsts = ArrayPool<int>.Shared.Rent(outputSize);
        var counts = ArrayPool<int>.Shared.Rent(outputSize);
        var weights = ArrayPool<float>.Shared.Rent(outputSize * taps);
        for (var i = 0; i < outputSize; i++)
        {
            var position = i * scale;
            var low = Math.Min((int)Math.Floor(position), last);
            var high = Math.Min(low + 1, last);
            // Past the last pixel both taps are that pixel, so it alone takes the whole weight.
            var fraction = high == low ? 0f : (float)(position - low);
            Span<int> index = [origin + low, origin + high];
            Span<float> weight = [1f - fraction, fraction];

            // Keep the taps that fall on the image; the padding is black and adds nothing.
            var count = 0;
            for (var k = 0; k < taps; k++)
            {
                if (index[k] >= 0 && index[k] < inputSize && (count == 0 || index[k] != firsts[i]))
                {
                    if (count == 0)
                    {
                        firsts[i] = index[k];
                    }

                    weights[(i * taps) + count++] = weight[k];
                }
            }

            counts[i] = count;
            if (count == 0)
            {
                firsts[i] = 0;
            }
        }

        return new ResampleAxis(outputSize, taps, firsts, counts, weights);
    }

    public static ResampleAxis Create(int inputSize, double start, double length, int outputSize)
    {
        var scale = length / outputSize;
        var filterScale = Math.Max(scale, 1.0);
        var support = FilterSupport * filterScale;
        var stride = (int)Math.Ceiling(support * 2) + ExtraTaps;

        // The padded source: the image plus black where the span reaches beyond it.
        var paddedFirst = (int)Math.Floor(Math.Min(start, 0));
        var paddedEnd = (int)Math.Ceiling(Math.Max(start + length, inputSize));

        var firsts = ArrayPool<int>.Shared.Rent(outputSize);
        var counts = ArrayPool<int>.Shared.Rent(outputSize);
        var weights = ArrayPool<float>.Shared.Rent(outputSize * stride);
        Span<double> taps = stackalloc double[stride];

        for (var i = 0; i < outputSize; i++)
        {
            var center = start + ((i + 0.5) * scale);
            var tapFirst = Math.Max((int)Math.Floor(center - support + 0.5), paddedFirst);
            var tapEnd = Math.Min((int)Math.Floor(center + support + 0.5), paddedEnd);
            var tapCount = Math.Max(0, tapEnd - tapFirst);

            var total = 0.0;
            for (var k = 0; k < tapCount; k++)
            {
                taps[k] = Triangle((tapFirst + k - center + 0.5) / filterScale);
                total += taps[k];
            }

            // Keep only taps inside the image; padding is black and contributes nothing.
            var first = Math.Max(tapFirst, 0);
            var end = Math.Min(tapEnd, inputSize);
            var count = Math.Max(0, end - first);
            firsts[i] = count > 0 ? first : 0;
            counts[i] = count;
            for (var k = 0; k < count; k++)
            {
                weights[(i * stride) + k] = total > 0 ? (float)(taps[first - tapFirst + k] / total) : 0f;
            }
        }

        return new ResampleAxis(outputSize, stride, firsts, counts, weights);
    }

    public void Dispose()
    {
        ArrayPool<int>.Shared.Return(firsts);
        ArrayPool<int>.Shared.Return(counts);
        ArrayPool<float>.Shared.Return(weights);
    }

    private static double Triangle(double x)
    {
        x = Math.Abs(x);
        return x < 1.0 ? 1.0 - x : 0.0;
    }
}
