using System.Buffers;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using FaceGrains.Recognition.Images;

namespace FaceGrains.Recognition.Preprocessing;

/// <summary>
/// Resamples a crop square of an image to a given size as interleaved float RGB in 0..255, in two separable
/// passes (rows, then columns) with precomputed weights. Intermediate values stay float, so unlike PIL
/// there is no rounding to 8 bits between the passes.
/// </summary>
internal static class SquareResampler
{
    private const int Channels = 3;

    /// <param name="output">Receives <paramref name="width"/> × <paramref name="height"/> × 3 floats, row by row.</param>
    public static void Resample(RgbImage image, CropSquare square, int width, int height, Span<float> output, ResizeMethod method = ResizeMethod.Bilinear)
    {
        var outputRow = width * Channels;
        if (output.Length != outputRow * height)
        {
            throw new ArgumentException($"Expected {outputRow * height} floats for {width}x{height} RGB, got {output.Length}.", nameof(output));
        }

        using var columns = method == ResizeMethod.TensorFlowLegacy
            ? ResampleAxis.CreateTensorFlowLegacy(image.Width, square.Left, square.Side, width)
            : ResampleAxis.Create(image.Width, square.Left, square.Side, width);
        using var rows = method == ResizeMethod.TensorFlowLegacy
            ? ResampleAxis.CreateTensorFlowLegacy(image.Height, square.Top, square.Side, height)
            : ResampleAxis.Create(image.Height, square.Top, square.Side, height);

        // Only the source rows some output row reads go through the horizontal pass.
        var firstRow = rows.MinFirst(fallback: 0);
        var rowCount = Math.Max(0, rows.MaxEnd(fallback: 0) - firstRow);
        var across = ArrayPool<float>.Shared.Rent(Math.Max(1, rowCount * outputRow));
        try
        {
            for (var r = 0; r < rowCount; r++)
            {
                ResampleRow(image, firstRow + r, columns, across.AsSpan(r * outputRow, outputRow));
            }

            for (var y = 0; y < height; y++)
            {
                var target = output.Slice(y * outputRow, outputRow);
                var weights = rows.Weights(y);
                if (weights.IsEmpty)
                {
                    // Entirely on the black padding.
                    target.Clear();
                    continue;
                }

                var first = rows.First(y) - firstRow;
                TensorPrimitives.Multiply(across.AsSpan(first * outputRow, outputRow), weights[0], target);
                for (var k = 1; k < weights.Length; k++)
                {
                    TensorPrimitives.MultiplyAdd(across.AsSpan((first + k) * outputRow, outputRow), weights[k], target, target);
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(across);
        }
    }

    private static void ResampleRow(RgbImage image, int row, in ResampleAxis columns, Span<float> target)
    {
        // Unchecked reads: ResampleAxis only hands out taps inside the image, and this loop is most of the work.
        ref var source = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(image.Pixels), row * image.Width * Channels);
        ref var output = ref MemoryMarshal.GetReference(target);
        for (var x = 0; x < columns.OutputSize; x++)
        {
            var weights = columns.Weights(x);
            ref var weight = ref MemoryMarshal.GetReference(weights);
            ref var pixel = ref Unsafe.Add(ref source, columns.First(x) * Channels);
            float red = 0f, green = 0f, blue = 0f;
            for (var k = 0; k < weights.Length; k++)
            {
                var w = Unsafe.Add(ref weight, k);
                red += w * Unsafe.Add(ref pixel, 0);
                green += w * Unsafe.Add(ref pixel, 1);
                blue += w * Unsafe.Add(ref pixel, 2);
                pixel = ref Unsafe.Add(ref pixel, Channels);
            }

            ref var o = ref Unsafe.Add(ref output, x * Channels);
            o = red;
            Unsafe.Add(ref o, 1) = green;
            Unsafe.Add(ref o, 2) = blue;
        }
    }
}
