using System.Buffers.Binary;

namespace FaceGrains.Recognition.Images;

/// <summary>
/// Reads the stated size from PNG, BMP and GIF headers. SkiaSharp refuses a zero or absurd size
/// without saying why, so when its codec fails this tells a zero-sized or oversized image apart from garbage.
/// </summary>
internal static class ImageHeaderProbe
{
    private static ReadOnlySpan<byte> PngSignature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    private static ReadOnlySpan<byte> PngHeaderChunk => "IHDR"u8;

    private static ReadOnlySpan<byte> BmpSignature => "BM"u8;

    private static ReadOnlySpan<byte> Gif87Signature => "GIF87a"u8;

    private static ReadOnlySpan<byte> Gif89Signature => "GIF89a"u8;

    // PNG: signature, chunk length, "IHDR", then big-endian width and height.
    private const int PngChunkTypeOffset = 12;
    private const int PngWidthOffset = 16;
    private const int PngHeightOffset = 20;
    private const int PngHeaderEnd = 24;

    // BMP: 14-byte file header, then the DIB header whose first field is its own size.
    private const int BmpDibSizeOffset = 14;
    private const int BmpWidthOffset = 18;
    private const int BmpCoreHeightOffset = 20;
    private const int BmpInfoHeightOffset = 22;
    private const int BmpCoreHeaderSize = 12;
    private const int BmpCoreHeaderEnd = BmpDibSizeOffset + BmpCoreHeaderSize;
    private const int BmpInfoHeaderEnd = 26;

    // GIF: six-byte signature, then little-endian logical screen width and height.
    private const int GifWidthOffset = 6;
    private const int GifHeightOffset = 8;
    private const int GifHeaderEnd = 10;

    public static bool TryRead(ReadOnlySpan<byte> data, out ImageDimensions dimensions, out string format)
    {
        if (data.Length >= PngHeaderEnd && data.StartsWith(PngSignature) && data[PngChunkTypeOffset..].StartsWith(PngHeaderChunk))
        {
            format = "PNG";
            dimensions = new(
                BinaryPrimitives.ReadUInt32BigEndian(data[PngWidthOffset..]),
                BinaryPrimitives.ReadUInt32BigEndian(data[PngHeightOffset..]));
            return true;
        }

        if (data.Length >= BmpCoreHeaderEnd && data.StartsWith(BmpSignature))
        {
            format = "BMP";
            var dibSize = BinaryPrimitives.ReadUInt32LittleEndian(data[BmpDibSizeOffset..]);
            if (dibSize == BmpCoreHeaderSize)
            {
                dimensions = new(
                    BinaryPrimitives.ReadUInt16LittleEndian(data[BmpWidthOffset..]),
                    BinaryPrimitives.ReadUInt16LittleEndian(data[BmpCoreHeightOffset..]));
                return true;
            }

            if (data.Length >= BmpInfoHeaderEnd)
            {
                // A negative height means rows stored top-down; the size is its magnitude.
                dimensions = new(
                    Math.Abs((long)BinaryPrimitives.ReadInt32LittleEndian(data[BmpWidthOffset..])),
                    Math.Abs((long)BinaryPrimitives.ReadInt32LittleEndian(data[BmpInfoHeightOffset..])));
                return true;
            }
        }

        if (data.Length >= GifHeaderEnd && (data.StartsWith(Gif87Signature) || data.StartsWith(Gif89Signature)))
        {
            format = "GIF";
            dimensions = new(
                BinaryPrimitives.ReadUInt16LittleEndian(data[GifWidthOffset..]),
                BinaryPrimitives.ReadUInt16LittleEndian(data[GifHeightOffset..]));
            return true;
        }

        format = string.Empty;
        dimensions = default;
        return false;
    }
}
