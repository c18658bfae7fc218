using FaceGrains.Recognition.Images;
using FaceGrains.Recognition.Preprocessing;

namespace FaceGrains.Recognition.Detection;

/// <summary>Warps a face onto a model's <see cref="FaceTemplate"/> by the least-squares similarity over the five points.</summary>
public static class FaceAligner
{
    private const int Channels = 3;

    /// <summary>The image → chip transform for these five points (template order).</summary>
    public static SimilarityTransform TransformFor(ReadOnlySpan<FacePoint> fivePoints, FaceTemplate template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var targets = template.Points.Select(p => new FacePoint(p[0], p[1])).ToArray();
        return SimilarityTransform.Estimate(fivePoints, targets);
    }

    /// <summary>The aligned chip: each chip pixel samples the image bilinearly where the inverse transform puts it; outside is black.</summary>
    public static RgbImage Align(RgbImage image, ReadOnlySpan<FacePoint> fivePoints, FaceTemplate template) =>
        Warp(image, TransformFor(fivePoints, template), template.Width, template.Height);

    /// <summary>Warps with <paramref name="imageToChip"/> into a <paramref name="width"/>×<paramref name="height"/> chip.</summary>
    public static RgbImage Warp(RgbImage image, SimilarityTransform imageToChip, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(image);

        // Bilinear sampling reads 2×2 pixels: shrinking by more than 2 would alias, so first average f×f blocks.
        var factor = (int)Math.Floor(1 / imageToChip.Scale);
        if (factor >= 2 && image.Width >= factor && image.Height >= factor)
        {
            // Small pixel j covers original pixels [j·f, (j+1)·f): its centre is original f·j + (f−1)/2.
            var shrunk = BoxShrink(image, factor);
            var toOriginal = new SimilarityTransform(factor, 0, (factor - 1) / 2.0, (factor - 1) / 2.0);
            image = shrunk;
            imageToChip = Compose(imageToChip, toOriginal);
        }

        var back = imageToChip.Inverse();
        var pixels = new byte[width * height * Channels];
        var src = image.Pixels;
        int w = image.Width, h = image.Height;
        for (var v = 0; v < height; v++)
        {
            for (var u = 0; u < width; u++)
            {
                var x = (back.A * u) - (back.B * v) + back.Tx;
                var y = (back.B * u) + (back.A * v) + back.Ty;
                var x0 = (int)Math.Floor(x);
                var y0 = (int)Math.Floor(y);
                var fx = x - x0;
                var fy = y - y0;
                var o = ((v * width) + u) * Channels;
                double gx = 1 - fx, gy = 1 - fy;
                if (x0 >= 0 && y0 >= 0 && x0 + 1 < w && y0 + 1 < h)
                {
                    // All four taps inside the image (nearly every pixel of a chip): no per-tap bounds checks.
                    var i00 = ((y0 * w) + x0) * Channels;
                    var i10 = (((y0 + 1) * w) + x0) * Channels;
                    for (var c = 0; c < Channels; c++)
                    {
                        var top = (src[i00 + c] * gx) + (src[i00 + Channels + c] * fx);
                        var bottom = (src[i10 + c] * gx) + (src[i10 + Channels + c] * fx);
                        pixels[o + c] = (byte)Math.Clamp(Math.Round((top * gy) + (bottom * fy)), 0, 255);
                    }

                    continue;
                }

                for (var c = 0; c < Channels; c++)
                {
                    var top = (Sample(src, w, h, x0, y0, c) * gx) + (Sample(src, w, h, x0 + 1, y0, c) * fx);
                    var bottom = (Sample(src, w, h, x0, y0 + 1, c) * gx) + (Sample(src, w, h, x0 + 1, y0 + 1, c) * fx);
                    pixels[o + c] = (byte)Math.Clamp(Math.Round((top * gy) + (bottom * fy)), 0, 255);
                }
            }
        }

        return new RgbImage(width, height, pixels);
    }

    /// <summary>outer ∘ inner: apply inner first.</summary>
    private static SimilarityTransform Compose(SimilarityTransform outer, SimilarityTransform inner) => new(
        (outer.A * inner.A) - (outer.B * inner.B),
        (outer.B * inner.A) + (outer.A * inner.B),
        (outer.A * inner.Tx) - (outer.B * inner.Ty) + outer.Tx,
        (outer.B * inner.Tx) + (outer.A * inner.Ty) + outer.Ty);

    private static RgbImage BoxShrink(RgbImage image, int factor)
    {
        var w = image.Width / factor;
        var h = image.Height / factor;
        var pixels = new byte[w * h * Channels];
        var area = factor * factor;
        for (var y = 0; y < h; y++)
        {
            for (var x = 0; x < w; x++)
            {
                for (var c = 0; c < Channels; c++)
                {
                    var sum = 0;
                    for (var dy = 0; dy < factor; dy++)
                    {
                        var row = ((y * factor) + dy) * image.Width;
                        for (var dx = 0; dx < factor; dx++)
                        {
                            sum += image.Pixels[((row + (x * factor) + dx) * Channels) + c];
                        }
                    }

                    pixels[(((y * w) + x) * Channels) + c] = (byte)((sum + (area / 2)) / area);
                }
            }
        }

        return new RgbImage(w, h, pixels);
    }

    private static double Sample(byte[] src, int w, int h, int x, int y, int c) =>
        x < 0 || y < 0 || x >= w || y >= h ? 0 : src[(((y * w) + x) * Channels) + c];
}
