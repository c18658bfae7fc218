using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using SkiaSharp;

namespace FaceGrains.Recognition.Images;

/// <summary>
/// Drops alpha from Skia's RGBA output and, where the file asks for it, applies the EXIF orientation
/// on the way, so every decoded image takes exactly one pass from codec buffer to <see cref="RgbImage"/>.
/// </summary>
internal static class RgbaToRgb
{
    private const int RgbaBytes = 4;
    private const int RgbBytes = 3;
    private const int VectorBytes = 16;
    private const int PixelsPerVector = VectorBytes / RgbaBytes;
    private const byte Drop = 0xFF;

    /// <summary>Copies RGBA to RGB pixel by pixel in storage order.</summary>
    public static void Copy(ReadOnlySpan<byte> rgba, Span<byte> rgb)
    {
        var pixels = rgb.Length / RgbBytes;
        if (rgba.Length < pixels * RgbaBytes)
        {
            throw new ArgumentException($"Expected at least {pixels * RgbaBytes} RGBA bytes, got {rgba.Length}.", nameof(rgba));
        }

        ref var source = ref MemoryMarshal.GetReference(rgba);
        ref var target = ref MemoryMarshal.GetReference(rgb);
        var i = 0;
        if (Vector128.IsHardwareAccelerated)
        {
            // Four RGBA pixels in, twelve RGB bytes out; each store writes four spare bytes that the next
            // store overwrites, so stop while a full 16-byte store still fits.
            var shuffle = Vector128.Create((byte)0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, Drop, Drop, Drop, Drop);
            for (; ((i + PixelsPerVector) * RgbaBytes <= rgba.Length) && ((i * RgbBytes) + VectorBytes <= rgb.Length); i += PixelsPerVector)
            {
                var packed = Vector128.Shuffle(Vector128.LoadUnsafe(ref source, (nuint)(i * RgbaBytes)), shuffle);
                packed.StoreUnsafe(ref target, (nuint)(i * RgbBytes));
            }
        }

        for (; i < pixels; i++)
        {
            CopyPixel(ref source, i * RgbaBytes, ref target, i * RgbBytes);
        }
    }

    /// <summary>
    /// Copies a <paramref name="width"/>×<paramref name="height"/> RGBA image (as stored) to RGB as it should be shown;
    /// for origins 5 to 8 the result is <paramref name="height"/> wide and <paramref name="width"/> tall.
    /// </summary>
    public static void CopyOriented(ReadOnlySpan<byte> rgba, int width, int height, SKEncodedOrigin origin, Span<byte> rgb)
    {
        if (origin == SKEncodedOrigin.TopLeft)
        {
            Copy(rgba, rgb[..(width * height * RgbBytes)]);
            return;
        }

        var last = width * (height - 1);
        var right = width - 1;

        // Source pixel index of output (x, y) is start + x * stepX + y * stepY.
        var (start, stepX, stepY) = origin switch
        {
            SKEncodedOrigin.TopRight => (right, -1, width),
            SKEncodedOrigin.BottomRight => (last + right, -1, -width),
            SKEncodedOrigin.BottomLeft => (last, 1, -width),
            SKEncodedOrigin.LeftTop => (0, width, 1),
            SKEncodedOrigin.RightTop => (last, -width, 1),
            SKEncodedOrigin.RightBottom => (last + right, -width, -1),
            SKEncodedOrigin.LeftBottom => (right, width, -1),
            _ => throw new ArgumentOutOfRangeException(nameof(origin), origin, "Unknown encoded origin."),
        };

        var swapsAxes = origin >= SKEncodedOrigin.LeftTop;
        var (outWidth, outHeight) = swapsAxes ? (height, width) : (width, height);
        if (rgba.Length < width * height * RgbaBytes || rgb.Length < outWidth * outHeight * RgbBytes)
        {
            throw new ArgumentException($"Buffers too small for a {width}x{height} image.");
        }

        ref var source = ref MemoryMarshal.GetReference(rgba);
        ref var target = ref MemoryMarshal.GetReference(rgb);
        var output = 0;
        for (var y = 0; y < outHeight; y++)
        {
            var index = start + (y * stepY);
            for (var x = 0; x < outWidth; x++, index += stepX, output += RgbBytes)
            {
                CopyPixel(ref source, index * RgbaBytes, ref target, output);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyPixel(ref byte source, int sourceOffset, ref byte target, int targetOffset)
    {
        Unsafe.Add(ref target, targetOffset) = Unsafe.Add(ref source, sourceOffset);
        Unsafe.Add(ref target, targetOffset + 1) = Unsafe.Add(ref source, sourceOffset + 1);
        Unsafe.Add(ref target, targetOffset + 2) = Unsafe.Add(ref source, sourceOffset + 2);
    }
}
