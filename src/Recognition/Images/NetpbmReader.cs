namespace FaceGrains.Recognition.Images;

/// <summary>
/// Reads PGM (P2 ASCII, P5 binary) and PPM (P3 ASCII, P6 binary), which SkiaSharp does not decode.
/// ORL faces are P5 with a comment line after the magic, so comments are accepted anywhere in the header.
/// </summary>
internal static class NetpbmReader
{
    private const int MagicLength = 2;
    private const int HeaderNumbers = 3;
    private const int MaxSampleValue = 65535;
    private const int OneByteMaxValue = 255;
    private const int BytesPerWideSample = 2;
    private const int RgbChannels = 3;

    // Numbers in a header are saturated here: anything larger is refused as too many pixels anyway,
    // and saturating keeps width * height inside a long.
    private const long SaturatedNumber = int.MaxValue;

    /// <summary>True when the data starts with a Netpbm magic this reader handles.</summary>
    public static bool Recognises(ReadOnlySpan<byte> data) =>
        data.Length >= MagicLength
        && data[0] == (byte)'P'
        && data[1] is (byte)'2' or (byte)'3' or (byte)'5' or (byte)'6'
        && (data.Length == MagicLength || IsWhitespace(data[MagicLength]) || data[MagicLength] == (byte)'#');

    public static RgbImage Read(ReadOnlySpan<byte> data, ImageLimits limits)
    {
        var kind = (char)data[1];
        var colour = kind is '3' or '6';
        var ascii = kind is '2' or '3';
        var format = colour ? "PPM" : "PGM";

        var position = MagicLength;
        Span<long> header = stackalloc long[HeaderNumbers];
        for (var i = 0; i < HeaderNumbers; i++)
        {
            header[i] = ReadHeaderNumber(data, ref position, format, i);
        }

        var (width, height, maxValue) = (header[0], header[1], header[2]);
        if (maxValue is < 1 or > MaxSampleValue)
        {
            throw Undecodable($"the {format} maximum value is {maxValue}; it must be 1..{MaxSampleValue}.");
        }

        new ImageDimensions(width, height).EnsureWithin(limits, format);

        var samplesPerPixel = colour ? RgbChannels : 1;
        var pixelCount = (int)(width * height);
        var sampleCount = (long)pixelCount * samplesPerPixel;

        // Exactly one whitespace byte separates the maximum value from a binary raster; an ASCII raster needs
        // at least a byte per sample. Either way a short file is refused before the pixels are allocated.
        var rasterStart = ascii ? position : position + 1;
        var bytesPerSample = ascii || maxValue <= OneByteMaxValue ? 1 : BytesPerWideSample;
        var expected = sampleCount * bytesPerSample;
        var available = Math.Max(0, data.Length - rasterStart);
        if (available < expected)
        {
            throw new ImageRejectedException(
                ImageRejectionReason.Truncated,
                $"Truncated: the {format} header says {width}x{height} (at least {expected} raster bytes), but only {available} follow it.");
        }

        // Uninitialised: the raster readers write every byte or throw.
        var pixels = GC.AllocateUninitializedArray<byte>(pixelCount * RgbChannels);
        if (ascii)
        {
            ReadAscii(data, rasterStart, sampleCount, (int)maxValue, format, pixels, samplesPerPixel);
        }
        else
        {
            ReadBinary(data.Slice(rasterStart, (int)expected), (int)maxValue, bytesPerSample, format, pixels, samplesPerPixel);
        }

        return new RgbImage((int)width, (int)height, pixels);
    }

    private static long ReadHeaderNumber(ReadOnlySpan<byte> data, ref int position, string format, int index)
    {
        SkipWhitespaceAndComments(data, ref position);
        if (position >= data.Length)
        {
            throw new ImageRejectedException(
                ImageRejectionReason.Truncated,
                $"Truncated: the {format} header ends after {data.Length} bytes, before its {HeaderName(index)}.");
        }

        if (!IsDigit(data[position]))
        {
            throw Undecodable($"the {format} header has '{(char)data[position]}' at byte {position} where its {HeaderName(index)} should be.");
        }

        var value = ReadDigits(data, ref position);

        // Every number is followed by a separator; after the maximum value it is the single
        // whitespace byte that starts the raster, so a comment may not follow it directly.
        if (position >= data.Length)
        {
            throw new ImageRejectedException(
                ImageRejectionReason.Truncated,
                $"Truncated: the {format} header ends after {data.Length} bytes, inside its {HeaderName(index)}.");
        }

        var lastNumber = index == HeaderNumbers - 1;
        if (!IsWhitespace(data[position]) && (lastNumber || data[position] != (byte)'#'))
        {
            throw Undecodable($"the {format} header has '{(char)data[position]}' at byte {position} inside its {HeaderName(index)}.");
        }

        return value;
    }

    private static void ReadAscii(
        ReadOnlySpan<byte> data, int position, long sampleCount, int maxValue, string format, byte[] pixels, int samplesPerPixel)
    {
        var scale = SampleScale.For(maxValue);
        var output = 0;
        for (long sample = 0; sample < sampleCount; sample++)
        {
            SkipWhitespaceAndComments(data, ref position);
            if (position >= data.Length)
            {
                throw new ImageRejectedException(
                    ImageRejectionReason.Truncated,
                    $"Truncated: the {format} raster has {sample} of the {sampleCount} samples its header promises.");
            }

            if (!IsDigit(data[position]))
            {
                throw Undecodable($"the {format} raster has '{(char)data[position]}' at byte {position} where a sample should be.");
            }

            var value = ReadDigits(data, ref position);
            if (value > maxValue)
            {
                throw Undecodable($"the {format} sample {value} at sample {sample} exceeds the maximum value {maxValue}.");
            }

            output = Store(pixels, output, scale.Apply((int)value), samplesPerPixel);
        }
    }

    private static void ReadBinary(
        ReadOnlySpan<byte> raster, int maxValue, int bytesPerSample, string format, byte[] pixels, int samplesPerPixel)
    {
        if (bytesPerSample == 1 && maxValue == OneByteMaxValue)
        {
            // The common case (ORL): no scaling, just copy or expand grey to three channels.
            if (samplesPerPixel == RgbChannels)
            {
                raster.CopyTo(pixels);
            }
            else
            {
                ExpandGrey(raster, pixels);
            }

            return;
        }

        var scale = SampleScale.For(maxValue);
        var output = 0;
        for (var offset = 0; offset < raster.Length; offset += bytesPerSample)
        {
            var value = bytesPerSample == 1 ? raster[offset] : (raster[offset] << 8) | raster[offset + 1];
            if (value > maxValue)
            {
                throw Undecodable($"the {format} sample {value} at byte {offset} exceeds the maximum value {maxValue}.");
            }

            output = Store(pixels, output, scale.Apply(value), samplesPerPixel);
        }
    }

    private static void ExpandGrey(ReadOnlySpan<byte> grey, Span<byte> rgb)
    {
        for (int i = 0, o = 0; i < grey.Length; i++, o += RgbChannels)
        {
            var g = grey[i];
            rgb[o] = g;
            rgb[o + 1] = g;
            rgb[o + 2] = g;
        }
    }

    private static int Store(byte[] pixels, int output, byte value, int samplesPerPixel)
    {
        if (samplesPerPixel == 1)
        {
            pixels[output] = value;
            pixels[output + 1] = value;
            pixels[output + 2] = value;
            return output + RgbChannels;
        }

        pixels[output] = value;
        return output + 1;
    }

    private static long ReadDigits(ReadOnlySpan<byte> data, ref int position)
    {
        long value = 0;
        while (position < data.Length && IsDigit(data[position]))
        {
            value = Math.Min(SaturatedNumber, (value * 10) + (data[position] - '0'));
            position++;
        }

        return value;
    }

    private static void SkipWhitespaceAndComments(ReadOnlySpan<byte> data, ref int position)
    {
        while (position < data.Length)
        {
            if (IsWhitespace(data[position]))
            {
                position++;
            }
            else if (data[position] == (byte)'#')
            {
                while (position < data.Length && data[position] is not ((byte)'\n' or (byte)'\r'))
                {
                    position++;
                }
            }
            else
            {
                return;
            }
        }
    }

    private static string HeaderName(int index) => index switch
    {
        0 => "width",
        1 => "height",
        _ => "maximum value",
    };

    private static ImageRejectedException Undecodable(string detail) =>
        new(ImageRejectionReason.Undecodable, $"Undecodable: {detail}");

    private static bool IsDigit(byte b) => b is >= (byte)'0' and <= (byte)'9';

    private static bool IsWhitespace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)'\v' or (byte)'\f';

    /// <summary>Maps samples in 0..maxValue onto 0..255 with rounding.</summary>
    private readonly record struct SampleScale(int MaxValue)
    {
        public static SampleScale For(int maxValue) => new(maxValue);

        public byte Apply(int value) =>
            MaxValue == OneByteMaxValue ? (byte)value : (byte)(((value * OneByteMaxValue) + (MaxValue / 2)) / MaxValue);
    }
}
