using FaceGrains.Recognition.Images;
using SkiaSharp;

namespace FaceGrains.Recognition.Detection;

/// <summary>Draws what the pipeline found (boxes, 68 landmarks, five alignment points, face numbers) over the photo, as a PNG.</summary>
public static class FaceDrawing
{
    /// <param name="labels">Text per face (e.g. an identity and score); default: index and detector score.</param>
    public static void SavePng(RgbImage image, IReadOnlyList<PreparedFace> faces, string pngPath, IReadOnlyList<string>? labels = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(faces);
        using var bitmap = ToBitmap(image);
        var stroke = Math.Max(1f, Math.Max(image.Width, image.Height) / 400f);
        using (var canvas = new SKCanvas(bitmap))
        using (var box = new SKPaint { Color = SKColors.Lime, Style = SKPaintStyle.Stroke, StrokeWidth = stroke, IsAntialias = true })
        using (var mark = new SKPaint { Color = SKColors.Yellow, Style = SKPaintStyle.Fill, IsAntialias = true })
        using (var five = new SKPaint { Color = SKColors.Red, Style = SKPaintStyle.Fill, IsAntialias = true })
        using (var font = new SKFont { Size = 6 * stroke + 8 })
        using (var text = new SKPaint { Color = SKColors.Lime, IsAntialias = true })
        {
            foreach (var (face, n) in faces.Select((f, n) => (f, n)))
            {
                canvas.DrawRect((float)face.Box.X, (float)face.Box.Y, (float)face.Box.Width, (float)face.Box.Height, box);
                foreach (var p in face.Landmarks?.Points ?? [])
                {
                    canvas.DrawCircle((float)p.X, (float)p.Y, stroke, mark);
                }

                foreach (var p in face.FivePoints ?? [])
                {
                    canvas.DrawCircle((float)p.X, (float)p.Y, 2 * stroke, five);
                }

                canvas.DrawText(labels?[n] ?? $"{face.Index} {face.DetectorScore:F2}", (float)face.Box.X, (float)face.Box.Y - stroke, font, text);
            }
        }

        using var encoded = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        var folder = Path.GetDirectoryName(Path.GetFullPath(pngPath));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        using var file = File.Create(pngPath);
        encoded.SaveTo(file);
    }

    /// <summary>The image as an opaque RGBA Skia bitmap (for drawing on it, or cropping from it).</summary>
    internal static SKBitmap ToBitmap(RgbImage image)
    {
        var bitmap = new SKBitmap(new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var rgba = new byte[image.Width * image.Height * 4];
        for (int i = 0, j = 0; i < image.Pixels.Length; i += 3, j += 4)
        {
            rgba[j] = image.Pixels[i];
            rgba[j + 1] = image.Pixels[i + 1];
            rgba[j + 2] = image.Pixels[i + 2];
            rgba[j + 3] = 255;
        }

        System.Runtime.InteropServices.Marshal.Copy(rgba, 0, bitmap.GetPixels(), rgba.Length);
        return bitmap;
    }
}
