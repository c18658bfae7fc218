using SkiaSharp;

namespace FaceGrains.Recognition.Images;

/// <summary>
/// Turns untrusted encoded bytes into an <see cref="RgbImage"/>: JPEG (with EXIF orientation applied), PNG,
/// GIF (first frame), BMP and WebP through SkiaSharp, PGM/PPM through <see cref="NetpbmReader"/>.
/// Bad data is always answered with <see cref="ImageRejectedException"/>; limits are checked before
/// bytes are read or pixel memory is allocated.
/// </summary>
public static class ImageDecoder
{
    private const int RgbaBytes = 4;
    private const int RgbBytes = 3;
    private const string SupportedFormats = "JPEG, PNG, GIF, BMP, WebP, PGM or PPM";

    public static RgbImage Decode(ReadOnlySpan<byte> data, ImageLimits? limits = null)
    {
        limits ??= ImageLimits.Default;
        limits.Validate();
        EnsureByteCount(data.Length, limits);

        return NetpbmReader.Recognises(data) ? NetpbmReader.Read(data, limits) : DecodeWithSkia(data, limits);
    }

    /// <summary>Decodes a file, refusing it by its size before reading it. Missing or unreadable files throw the usual I/O exceptions.</summary>
    public static RgbImage DecodeFile(string path, ImageLimits? limits = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        limits ??= ImageLimits.Default;
        limits.Validate();

        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        var length = RandomAccess.GetLength(handle);
        try
        {
            EnsureByteCount(length, limits);
        }
        catch (ImageRejectedException rejected)
        {
            throw InFile(path, rejected);
        }

        // Scratch, because batch embedding decodes thousands of files and each buffer lives only for this call.
        using var buffer = ScratchBytes.Rent((int)length);
        try
        {
            var read = 0;
            while (read < length)
            {
                var got = RandomAccess.Read(handle, buffer.Span[read..], read);
                if (got == 0)
                {
                    break;
                }

                read += got;
            }

            return Decode(buffer.Span[..read], limits);
        }
        catch (ImageRejectedException rejected)
        {
            throw InFile(path, rejected);
        }
    }

    private static void EnsureByteCount(long length, ImageLimits limits)
    {
        if (length == 0)
        {
            throw new ImageRejectedException(ImageRejectionReason.Empty, "Empty: the image has 0 bytes.");
        }

        if (length > limits.MaxBytes)
        {
            throw new ImageRejectedException(
                ImageRejectionReason.TooLarge,
                $"TooLarge: the image has {length} bytes, more than the limit of {limits.MaxBytes}.");
        }
    }

    private static unsafe RgbImage DecodeWithSkia(ReadOnlySpan<byte> data, ImageLimits limits)
    {
        // The codec reads the caller's bytes in place (no copy); everything native is released before unpinning.
        fixed (byte* address = data)
        {
            using var encoded = SKData.Create((IntPtr)address, data.Length);
            using var stream = new SKMemoryStream(encoded);
            using var codec = SKCodec.Create(stream, out var created);
            if (codec is null)
            {
                throw CodecRefused(data, limits, created);
            }

            var info = codec.Info;
            var format = codec.EncodedFormat.ToString().ToUpperInvariant();
            if (!IsAccepted(codec.EncodedFormat))
            {
                // Skia also sniffs formats such as WBMP whose loose signatures let garbage pass for an image.
                throw new ImageRejectedException(
                    ImageRejectionReason.Undecodable,
                    $"Undecodable: {data.Length} bytes that read as {format} ({info.Width}x{info.Height}), which is not accepted; send {SupportedFormats}.");
            }

            new ImageDimensions(info.Width, info.Height).EnsureWithin(limits, format);

            // Unpremultiplied so colours under partial transparency survive as they are when alpha is dropped;
            // no colour space, so no ICC conversion (the models were trained on raw pixel values).
            var target = new SKImageInfo(info.Width, info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
            using var rgba = ScratchBytes.Rent(info.Width * info.Height * RgbaBytes);
            SKCodecResult decoded;
            fixed (byte* pixels = rgba.Array)
            {
                decoded = codec.GetPixels(target, (IntPtr)pixels, target.RowBytes, new SKCodecOptions(SKZeroInitialized.No));
            }

            if (decoded != SKCodecResult.Success)
            {
                throw PixelsRefused(format, info, data.Length, decoded);
            }

            var origin = codec.EncodedOrigin;
            // Uninitialised: every byte is written below, and at face-photo sizes this is a large-object allocation.
            var rgb = GC.AllocateUninitializedArray<byte>(info.Width * info.Height * RgbBytes);
            RgbaToRgb.CopyOriented(rgba.Span, info.Width, info.Height, origin, rgb);
            return origin >= SKEncodedOrigin.LeftTop
                ? new RgbImage(info.Height, info.Width, rgb)
                : new RgbImage(info.Width, info.Height, rgb);
        }
    }

    private static bool IsAccepted(SKEncodedImageFormat format) =>
        format is SKEncodedImageFormat.Jpeg or SKEncodedImageFormat.Png or SKEncodedImageFormat.Gif
            or SKEncodedImageFormat.Bmp or SKEncodedImageFormat.Webp;

    private static ImageRejectedException CodecRefused(ReadOnlySpan<byte> data, ImageLimits limits, SKCodecResult result)
    {
        // Skia refuses zero or huge sizes as plain invalid input; the header tells which it was.
        if (ImageHeaderProbe.TryRead(data, out var dimensions, out var format))
        {
            dimensions.EnsureWithin(limits, format);
        }

        return result == SKCodecResult.IncompleteInput
            ? new ImageRejectedException(
                ImageRejectionReason.Truncated,
                $"Truncated: the image header ends early ({data.Length} bytes in all; the codec reported {result}).")
            : new ImageRejectedException(
                ImageRejectionReason.Undecodable,
                $"Undecodable: {data.Length} bytes that are not a {SupportedFormats} image the codec can read (it reported {result}).");
    }

    private static ImageRejectedException PixelsRefused(string format, SKImageInfo info, int length, SKCodecResult result) =>
        result == SKCodecResult.IncompleteInput
            ? new ImageRejectedException(
                ImageRejectionReason.Truncated,
                $"Truncated: the {format} image ({info.Width}x{info.Height}) ends after {length} bytes, before all its pixels.")
            : new ImageRejectedException(
                ImageRejectionReason.Undecodable,
                $"Undecodable: the {format} image ({info.Width}x{info.Height}, {length} bytes) could not be decoded (the codec reported {result}).");

    private static ImageRejectedException InFile(string path, ImageRejectedException rejected) =>
        new(rejected.Reason, $"{path}: {rejected.Message}", rejected);
}
