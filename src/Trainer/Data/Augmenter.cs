using FaceGrains.Recognition.Images;
using FaceGrains.Recognition.Preprocessing;
using FaceGrains.Trainer.Configuration;

namespace FaceGrains.Trainer.Data;

/// <summary>
/// Turns a cached face (already cut with the model's crop) into one augmented training tensor, through the
/// same <see cref="Preprocessor"/> the serving path uses; the random resized crop is a random crop policy.
/// </summary>
public sealed class Augmenter(AugmentConfig settings, PreprocessingSpec spec)
{
    public void Fill(RgbImage face, Random rng, Span<float> chw)
    {
        var crop = CropPolicy.Full;
        if (settings.CropMinScale < 1 || settings.CropMaxShift > 0)
        {
            var side = settings.CropMinScale + (rng.NextDouble() * (1 - settings.CropMinScale));
            var slack = (1 - side) / 2;
            var shift = Math.Min(settings.CropMaxShift, slack);
            crop = new CropPolicy
            {
                Side = side,
                CenterX = 0.5 + ((rng.NextDouble() * 2) - 1) * shift,
                CenterY = 0.5 + ((rng.NextDouble() * 2) - 1) * shift,
            };
        }

        Preprocessor.ToTensor(face, spec, crop, chw);
        var plane = spec.Width * spec.Height;
        if (settings.Flip && rng.NextDouble() < 0.5)
        {
            for (var c = 0; c < 3; c++)
            {
                for (var y = 0; y < spec.Height; y++)
                {
                    chw.Slice((c * plane) + (y * spec.Width), spec.Width).Reverse();
                }
            }
        }

        var jitter = settings.ColorJitter > 0;
        var grey = settings.Greyscale > 0 && rng.NextDouble() < settings.Greyscale;
        if (jitter || grey)
        {
            Photometric(chw, plane, rng, jitter, grey);
        }

        if (settings.RandomErasing > 0 && rng.NextDouble() < settings.RandomErasing)
        {
            Erase(chw, plane, rng);
        }
    }

    /// <summary>Brightness, contrast, saturation and greyscale, applied in 0..255 pixel units and normalised back.</summary>
    private void Photometric(Span<float> chw, int plane, Random rng, bool jitter, bool grey)
    {
        var j = settings.ColorJitter;
        var brightness = jitter ? 1 + (((rng.NextDouble() * 2) - 1) * j) : 1;
        var contrast = jitter ? 1 + (((rng.NextDouble() * 2) - 1) * j) : 1;
        var saturation = grey ? 0 : jitter ? 1 + (((rng.NextDouble() * 2) - 1) * j) : 1;
        var mean = spec.Mean;
        var std = spec.Std;
        double lumaSum = 0;
        for (var i = 0; i < plane; i++)
        {
            var r = (chw[i] * std[0]) + mean[0];
            var g = (chw[plane + i] * std[1]) + mean[1];
            var b = (chw[(2 * plane) + i] * std[2]) + mean[2];
            lumaSum += (0.299 * r) + (0.587 * g) + (0.114 * b);
        }

        var lumaMean = (float)(lumaSum / plane * brightness);
        for (var i = 0; i < plane; i++)
        {
            var r = ((chw[i] * std[0]) + mean[0]) * (float)brightness;
            var g = ((chw[plane + i] * std[1]) + mean[1]) * (float)brightness;
            var b = ((chw[(2 * plane) + i] * std[2]) + mean[2]) * (float)brightness;
            var luma = (0.299f * r) + (0.587f * g) + (0.114f * b);
            r = luma + ((r - luma) * (float)saturation);
            g = luma + ((g - luma) * (float)saturation);
            b = luma + ((b - luma) * (float)saturation);
            r = lumaMean + ((r - lumaMean) * (float)contrast);
            g = lumaMean + ((g - lumaMean) * (float)contrast);
            b = lumaMean + ((b - lumaMean) * (float)contrast);
            chw[i] = (Math.Clamp(r, 0, 255) - mean[0]) / std[0];
            chw[plane + i] = (Math.Clamp(g, 0, 255) - mean[1]) / std[1];
            chw[(2 * plane) + i] = (Math.Clamp(b, 0, 255) - mean[2]) / std[2];
        }
    }

    /// <summary>Random erasing: a rectangle of 2–33 % of the area, aspect 0.3–3.3, set to the mean (0 after normalising).</summary>
    private void Erase(Span<float> chw, int plane, Random rng)
    {
        int w = spec.Width, h = spec.Height;
        var area = w * h * (0.02 + (rng.NextDouble() * 0.31));
        var aspect = Math.Exp(Math.Log(0.3) + (rng.NextDouble() * (Math.Log(3.3) - Math.Log(0.3))));
        var eh = Math.Min(h, (int)Math.Round(Math.Sqrt(area * aspect)));
        var ew = Math.Min(w, (int)Math.Round(Math.Sqrt(area / aspect)));
        var top = rng.Next(0, h - eh + 1);
        var left = rng.Next(0, w - ew + 1);
        for (var c = 0; c < 3; c++)
        {
            for (var y = top; y < top + eh; y++)
            {
                chw.Slice((c * plane) + (y * w) + left, ew).Clear();
            }
        }
    }
}
