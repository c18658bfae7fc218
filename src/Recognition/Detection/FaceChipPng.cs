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
        using var source = FaceDrawing.ToBitmap(image);
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
