using System.Buffers;
using FaceGrains.Recognition.Images;

namespace FaceGrains.Recognition.Preprocessing;

/// <summary>Turns a decoded image into a model's input tensor, as the model's manifest describes.</summary>
public static class Preprocessor
{
    private const int Channels = 3;
    private const float MaxPixelValue = 255f;
    private const float RoundHalfUp = 0.5f;

    /// <summary>
    /// Crops (policy <paramref name="crop"/>, or the spec's default when null), resizes to the spec's size,
    /// orders channels, normalises and writes one image as CHW float32 into <paramref name="destination"/>
    /// (length 3 * spec.Height * spec.Width).
    /// </summary>
    public static void ToTensor(RgbImage image, PreprocessingSpec spec, CropPolicy? crop, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(spec);
        EnsureUsable(spec);
        var plane = spec.Width * spec.Height;
        if (destination.Length != Channels * plane)
        {
            throw new ArgumentException(
                $"Expected {Channels * plane} floats for a 3x{spec.Height}x{spec.Width} tensor, got {destination.Length}.", nameof(destination));
        }

        var square = CropSquare.Of(image.Width, image.Height, crop ?? spec.Crop);

        // Rented: this runs once per image in batch embedding.
        var resampled = ArrayPool<float>.Shared.Rent(Channels * plane);
        try
        {
            var rgb = resampled.AsSpan(0, Channels * plane);
            SquareResampler.Resample(image, square, spec.Width, spec.Height, rgb, spec.ResizeMethod);

            var bgr = spec.ChannelOrder == "bgr";
            for (var channel = 0; channel < Channels; channel++)
            {
                var source = bgr ? Channels - 1 - channel : channel;
                var mean = spec.Mean[channel];
                var std = spec.Std[channel];
                var target = destination.Slice(channel * plane, plane);
                for (int p = 0, i = source; p < plane; p++, i += Channels)
                {
                    target[p] = (rgb[i] - mean) / std;
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(resampled);
        }
    }

    /// <summary>
    /// The same crop and resize as <see cref="ToTensor"/>, as an 8-bit image, for looking at what a model is shown.
    /// </summary>
    public static RgbImage CropAndResize(RgbImage image, CropPolicy crop, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(crop);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);

        var square = CropSquare.Of(image.Width, image.Height, crop);
        var length = Channels * width * height;
        var resampled = ArrayPool<float>.Shared.Rent(length);
        try
        {
            var rgb = resampled.AsSpan(0, length);
            SquareResampler.Resample(image, square, width, height, rgb);
            var pixels = new byte[length];
            for (var i = 0; i < length; i++)
            {
                pixels[i] = (byte)Math.Clamp(rgb[i] + RoundHalfUp, 0f, MaxPixelValue);
            }

            return new RgbImage(width, height, pixels);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(resampled);
        }
    }

    private static void EnsureUsable(PreprocessingSpec spec)
    {
        // The manifest was validated when loaded; these are the checks that keep this loop in bounds.
        if (spec.Width <= 0 || spec.Height <= 0)
        {
            throw new ArgumentException($"Preprocessing size {spec.Width}x{spec.Height} must be positive.", nameof(spec));
        }

        if (spec.ChannelOrder is not ("rgb" or "bgr"))
        {
            throw new ArgumentException($"Channel order '{spec.ChannelOrder}' must be 'rgb' or 'bgr'.", nameof(spec));
        }

        if (spec.Mean.Length != Channels || spec.Std.Length != Channels)
        {
            throw new ArgumentException("Preprocessing mean and std need three values each.", nameof(spec));
        }
    }
}
