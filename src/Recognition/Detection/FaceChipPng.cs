using FaceGrains.Recognition.Preprocessing;
using SkiaSharp;

namespace FaceGrains.Recognition.Detection;

/// <summary>
/// A prepared face as a PNG, framed as the model sees it before resizing: the aligned chip of an "align" recipe, or the
/// image under a center-crop recipe's fixed crop (black outside the image, as the model input is padded).
/// </summary>
public static class FaceChipPng
{
    public static byte[] Encode(PreparedFace face)
    {
        ArgumentNullException.ThrowIfNull(face);
        var image = face.Image;
        using var source = new SKBitmap(new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var rgba = new byte[image.Width * image.Height * 4];
        for (int i = 0, j = 0; i < image.Pixels.Length; i += 3, j += 4)
        {
            rgba[j] = image.Pixels[i];
            rgba[j + 1] = image.Pixels[i + 1];
            rgba[j + 2] = image.Pixels[i + 2];
            rgba[j + 3] = 255;
        }

        System.Runtime.InteropServices.Marshal.Copy(rgba, 0, source.GetPixels(), rgba.Length);
        var square = CropSquare.Of(image.Width, image.Height, face.Crop);
        var side = Math.Max(1, (int)Math.Round(square.Side));
        using var chip = new SKBitmap(new SKImageInfo(side, side, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(chip))
        using (var paint = new SKPaint { IsAntialias = true })
        {
            canvas.Clear(SKColors.Black);
            var from = new SKRect((float)square.Left, (float)square.Top, (float)square.Right, (float)square.Bottom);
            using var sourceImage = SKImage.FromBitmap(source);
            canvas.DrawImage(sourceImage, from, new SKRect(0, 0, side, side), new SKSamplingOptions(SKFilterMode.Linear), paint);
        }

        using var encoded = chip.Encode(SKEncodedImageFormat.Png, 100);
        return encoded.ToArray();
    }
}
