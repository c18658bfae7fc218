using System.Buffers.Binary;
using System.Text;
using FaceGrains.Recognition.Images;
using SkiaSharp;

namespace FaceGrains.Recognition.Tests.Images;

/// <summary>Small images built in memory, so decoder tests need no files and can state exact pixels.</summary>
internal static class TestImages
{
    public static readonly (byte R, byte G, byte B) Red = (255, 0, 0);
    public static readonly (byte R, byte G, byte B) Green = (0, 255, 0);
    public static readonly (byte R, byte G, byte B) Blue = (0, 0, 255);
    public static readonly (byte R, byte G, byte B) White = (255, 255, 255);

    private const int BmpFileHeaderSize = 14;
    private const int BmpInfoHeaderSize = 40;
    private const int BmpRowAlignment = 4;
    private const int BitsPerRgbPixel = 24;

    /// <summary>
    /// A width×height RGBA buffer split into four quadrants: red top-left, green top-right,
    /// blue bottom-left, white bottom-right; big flat blocks survive JPEG.
    /// </summary>
    public static byte[] Quadrants(int width, int height)
    {
        var rgba = new byte[width * height * 4];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var (r, g, b) = (x < width / 2, y < height / 2) switch
                {
                    (true, true) => Red,
                    (false, true) => Green,
                    (true, false) => Blue,
                    _ => White,
                };
                var o = ((y * width) + x) * 4;
                (rgba[o], rgba[o + 1], rgba[o + 2], rgba[o + 3]) = (r, g, b, 255);
            }
        }

        return rgba;
    }

    /// <summary>Deterministic, non-flat RGBA content for exact round trips.</summary>
    public static byte[] Gradient(int width, int height, byte alpha = 255)
    {
        var rgba = new byte[width * height * 4];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var o = ((y * width) + x) * 4;
                (rgba[o], rgba[o + 1], rgba[o + 2], rgba[o + 3]) = ((byte)(x * 7), (byte)(y * 11), (byte)((x * y) + 3), alpha);
            }
        }

        return rgba;
    }

    public static byte[] Encode(byte[] rgba, int width, int height, SKEncodedImageFormat format, int quality = 95, bool opaque = true)
    {
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, opaque ? SKAlphaType.Opaque : SKAlphaType.Unpremul);
        using var image = SKImage.FromPixelCopy(info, rgba);
        using var data = image.Encode(format, quality);
        return data.ToArray();
    }

    public static byte[] EncodeLosslessWebp(byte[] rgba, int width, int height)
    {
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var image = SKImage.FromPixelCopy(info, rgba);
        using var pixmap = image.PeekPixels() ?? throw new InvalidOperationException("A raster image always has pixels to peek.");
        using var data = pixmap.Encode(new SKWebpEncoderOptions(SKWebpEncoderCompression.Lossless, 100))
            ?? throw new InvalidOperationException("Skia could not encode lossless WebP.");
        return data.ToArray();
    }

    /// <summary>An uncompressed 24-bit bottom-up BMP, written by hand since Skia encodes no BMP.</summary>
    public static byte[] Bmp(byte[] rgb, int width, int height)
    {
        var rowSize = ((width * 3) + BmpRowAlignment - 1) / BmpRowAlignment * BmpRowAlignment;
        var headers = BmpFileHeaderSize + BmpInfoHeaderSize;
        var file = new byte[headers + (rowSize * height)];
        WriteBmpHeaders(file, width, height, rowSize * height);
        for (var y = 0; y < height; y++)
        {
            // Rows are stored bottom-up, each pixel as B, G, R.
            var row = headers + ((height - 1 - y) * rowSize);
            for (var x = 0; x < width; x++)
            {
                var s = ((y * width) + x) * 3;
                var d = row + (x * 3);
                (file[d], file[d + 1], file[d + 2]) = (rgb[s + 2], rgb[s + 1], rgb[s]);
            }
        }

        return file;
    }

    /// <summary>A BMP file header and info header stating the given size, followed by <paramref name="rasterBytes"/> zero bytes.</summary>
    public static byte[] BmpHeaderOnly(int width, int height, int rasterBytes)
    {
        var file = new byte[BmpFileHeaderSize + BmpInfoHeaderSize + rasterBytes];
        WriteBmpHeaders(file, width, height, rasterBytes);
        return file;
    }

    /// <summary>A PNG signature and IHDR (8-bit RGB) with a correct CRC, then an empty IDAT and IEND.</summary>
    public static byte[] PngHeaderOnly(uint width, uint height)
    {
        var ihdr = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 2; // colour type: truecolour
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        WritePngChunk(png, "IHDR", ihdr);
        WritePngChunk(png, "IDAT", []);
        WritePngChunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>
    /// Inserts an APP1 Exif segment holding only an Orientation tag right after the JPEG's SOI marker.
    /// </summary>
    public static byte[] WithExifOrientation(byte[] jpeg, ushort orientation)
    {
        var tiff = new List<byte>();
        tiff.AddRange("MM"u8.ToArray()); // big-endian TIFF
        tiff.AddRange([0x00, 0x2A, 0x00, 0x00, 0x00, 0x08]); // magic 42, first IFD at offset 8
        tiff.AddRange([0x00, 0x01]); // one entry
        tiff.AddRange([0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01]); // tag 0x0112 Orientation, SHORT, count 1
        tiff.AddRange([(byte)(orientation >> 8), (byte)orientation, 0x00, 0x00]);
        tiff.AddRange([0x00, 0x00, 0x00, 0x00]); // no next IFD

        var payload = Encoding.ASCII.GetBytes("Exif\0\0").Concat(tiff).ToArray();
        var segmentLength = payload.Length + 2; // the length field counts itself
        var app1 = new byte[] { 0xFF, 0xE1, (byte)(segmentLength >> 8), (byte)segmentLength }.Concat(payload);

        return jpeg.Take(2).Concat(app1).Concat(jpeg.Skip(2)).ToArray();
    }

    public static (byte R, byte G, byte B) PixelAt(RgbImage image, int x, int y)
    {
        var o = ((y * image.Width) + x) * 3;
        return (image.Pixels[o], image.Pixels[o + 1], image.Pixels[o + 2]);
    }

    /// <summary>True when every channel is within <paramref name="tolerance"/> (JPEG is lossy).</summary>
    public static bool Near((byte R, byte G, byte B) actual, (byte R, byte G, byte B) expected, int tolerance) =>
        Math.Abs(actual.R - expected.R) <= tolerance
        && Math.Abs(actual.G - expected.G) <= tolerance
        && Math.Abs(actual.B - expected.B) <= tolerance;

    private static void WriteBmpHeaders(byte[] file, int width, int height, int rasterBytes)
    {
        var span = file.AsSpan();
        span[0] = (byte)'B';
        span[1] = (byte)'M';
        BinaryPrimitives.WriteInt32LittleEndian(span[2..], file.Length);
        BinaryPrimitives.WriteInt32LittleEndian(span[10..], BmpFileHeaderSize + BmpInfoHeaderSize);
        var info = span[BmpFileHeaderSize..];
        BinaryPrimitives.WriteInt32LittleEndian(info, BmpInfoHeaderSize);
        BinaryPrimitives.WriteInt32LittleEndian(info[4..], width);
        BinaryPrimitives.WriteInt32LittleEndian(info[8..], height);
        BinaryPrimitives.WriteInt16LittleEndian(info[12..], 1); // planes
        BinaryPrimitives.WriteInt16LittleEndian(info[14..], BitsPerRgbPixel);
        BinaryPrimitives.WriteInt32LittleEndian(info[20..], rasterBytes);
    }

    private static void WritePngChunk(Stream png, string type, byte[] body)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(word, (uint)body.Length);
        png.Write(word);
        var typeAndBody = Encoding.ASCII.GetBytes(type).Concat(body).ToArray();
        png.Write(typeAndBody);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32(typeAndBody));
        png.Write(word);
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        // The PNG (ISO 3309) CRC, bit by bit: test data is tiny.
        const uint Polynomial = 0xEDB88320;
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ Polynomial : crc >> 1;
            }
        }

        return ~crc;
    }
}
