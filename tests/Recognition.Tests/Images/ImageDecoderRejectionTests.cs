using System.Text;
using FaceGrains.Recognition.Images;
using SkiaSharp;
using Xunit;

namespace FaceGrains.Recognition.Tests.Images;

public sealed class ImageDecoderRejectionTests
{
    private static ImageRejectedException Rejects(byte[] data, ImageLimits? limits = null) =>
        Assert.Throws<ImageRejectedException>(() => ImageDecoder.Decode(data, limits));

    [Fact]
    public void Empty_input_is_rejected_as_empty()
    {
        var rejected = Rejects([]);
        Assert.Equal(ImageRejectionReason.Empty, rejected.Reason);
        Assert.Contains("Empty", rejected.Message);
        Assert.Contains("0 bytes", rejected.Message);
    }

    [Fact]
    public void More_than_twenty_megabytes_is_rejected_as_too_large()
    {
        var rejected = Rejects(new byte[20_000_001]);
        Assert.Equal(ImageRejectionReason.TooLarge, rejected.Reason);
        Assert.Contains("20000001", rejected.Message);
        Assert.Contains("20000000", rejected.Message);
    }

    [Fact]
    public void Exactly_the_byte_limit_is_not_too_large()
    {
        var jpeg = TestImages.Encode(TestImages.Gradient(8, 8), 8, 8, SKEncodedImageFormat.Jpeg);
        var image = ImageDecoder.Decode(jpeg, new ImageLimits { MaxBytes = jpeg.Length });
        Assert.Equal(8, image.Width);
    }

    [Fact]
    public void Png_header_claiming_ten_thousand_by_five_thousand_is_rejected_before_decoding()
    {
        var rejected = Rejects(TestImages.PngHeaderOnly(10_000, 5_000));
        Assert.Equal(ImageRejectionReason.TooManyPixels, rejected.Reason);
        Assert.Contains("10000x5000", rejected.Message);
        Assert.Contains("50000000", rejected.Message);
        Assert.Contains("40000000", rejected.Message);
    }

    [Fact]
    public void Pixel_limit_applies_to_real_images()
    {
        var png = TestImages.Encode(TestImages.Gradient(20, 10), 20, 10, SKEncodedImageFormat.Png);
        var rejected = Rejects(png, new ImageLimits { MaxPixels = 199 });
        Assert.Equal(ImageRejectionReason.TooManyPixels, rejected.Reason);
        Assert.Equal(200, ImageDecoder.Decode(png, new ImageLimits { MaxPixels = 200 }).Width * 10);
    }

    [Fact]
    public void Pgm_header_with_too_many_pixels_is_rejected_before_its_raster_is_read()
    {
        var rejected = Rejects(Encoding.ASCII.GetBytes("P5 10000 5000 255\n"));
        Assert.Equal(ImageRejectionReason.TooManyPixels, rejected.Reason);
        Assert.Contains("10000x5000", rejected.Message);
    }

    [Fact]
    public void Absurd_pgm_numbers_are_too_many_pixels_not_an_overflow()
    {
        var rejected = Rejects(Encoding.ASCII.GetBytes("P5 99999999999999999999 99999999999999999999 255\n"));
        Assert.Equal(ImageRejectionReason.TooManyPixels, rejected.Reason);
    }

    [Fact]
    public void Pgm_with_zero_width_is_zero_sized()
    {
        var rejected = Rejects(Encoding.ASCII.GetBytes("P5 0 10 255\n"));
        Assert.Equal(ImageRejectionReason.ZeroSized, rejected.Reason);
        Assert.Contains("0x10", rejected.Message);
    }

    [Fact]
    public void Bmp_with_zero_width_is_zero_sized()
    {
        var rejected = Rejects(TestImages.BmpHeaderOnly(width: 0, height: 4, rasterBytes: 16));
        Assert.Equal(ImageRejectionReason.ZeroSized, rejected.Reason);
        Assert.Contains("0x4", rejected.Message);
    }

    [Fact]
    public void Png_with_zero_height_is_zero_sized()
    {
        var rejected = Rejects(TestImages.PngHeaderOnly(16, 0));
        Assert.Equal(ImageRejectionReason.ZeroSized, rejected.Reason);
    }

    [Fact]
    public void Jpeg_cut_in_half_is_truncated()
    {
        var jpeg = TestImages.Encode(TestImages.Gradient(64, 64), 64, 64, SKEncodedImageFormat.Jpeg);
        var rejected = Rejects(jpeg[..(jpeg.Length / 2)]);
        Assert.Equal(ImageRejectionReason.Truncated, rejected.Reason);
        Assert.Contains("64x64", rejected.Message);
    }

    [Fact]
    public void Png_cut_in_half_is_truncated()
    {
        var png = TestImages.Encode(TestImages.Gradient(64, 64), 64, 64, SKEncodedImageFormat.Png);
        var rejected = Rejects(png[..(png.Length / 2)]);
        Assert.Equal(ImageRejectionReason.Truncated, rejected.Reason);
    }

    [Fact]
    public void Png_cut_inside_its_header_is_truncated()
    {
        var png = TestImages.Encode(TestImages.Gradient(64, 64), 64, 64, SKEncodedImageFormat.Png);
        var rejected = Rejects(png[..20]);
        Assert.Equal(ImageRejectionReason.Truncated, rejected.Reason);
    }

    [Fact]
    public void Pgm_raster_shorter_than_its_header_says_is_truncated()
    {
        var data = Encoding.ASCII.GetBytes("P5\n4 4\n255\n").Concat(new byte[10]).ToArray();
        var rejected = Rejects(data);
        Assert.Equal(ImageRejectionReason.Truncated, rejected.Reason);
        Assert.Contains("16", rejected.Message);
        Assert.Contains("10", rejected.Message);
    }

    [Theory]
    [InlineData("P5 6000 6000 255\n")]
    [InlineData("P2 6000 6000 255\n1 2 3\n")]
    public void Pgm_claiming_many_pixels_over_a_short_raster_is_truncated_before_allocating(string header)
    {
        var data = Encoding.ASCII.GetBytes(header).Concat(new byte[100]).ToArray();
        var before = GC.GetAllocatedBytesForCurrentThread();
        var rejected = Rejects(data);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(ImageRejectionReason.Truncated, rejected.Reason);
        Assert.True(allocated < 1_000_000, $"Allocated {allocated} bytes for a refused 6000x6000 header.");
    }

    [Theory]
    [InlineData("P5")]
    [InlineData("P5 92")]
    [InlineData("P5 92 112")]
    [InlineData("P5 92 112 25")]
    [InlineData("P2 # a comment that never ends")]
    public void Pgm_header_cut_short_is_truncated(string header)
    {
        var rejected = Rejects(Encoding.ASCII.GetBytes(header));
        Assert.Equal(ImageRejectionReason.Truncated, rejected.Reason);
    }

    [Fact]
    public void Ascii_pgm_with_fewer_samples_than_promised_is_truncated()
    {
        var rejected = Rejects(Encoding.ASCII.GetBytes("P2 2 2 255\n1 2 3"));
        Assert.Equal(ImageRejectionReason.Truncated, rejected.Reason);
    }

    [Theory]
    [InlineData("P5 x 2 255\n")]
    [InlineData("P5 2 2 0\n\0\0\0\0")]
    [InlineData("P5 2 2 65536\n")]
    [InlineData("P2 2 1 15\n3 16")]
    [InlineData("P2 2 1 15\n3 y")]
    public void Malformed_pgm_is_undecodable(string text)
    {
        var rejected = Rejects(Encoding.ASCII.GetBytes(text));
        Assert.Equal(ImageRejectionReason.Undecodable, rejected.Reason);
    }

    [Fact]
    public void Random_bytes_are_undecodable()
    {
        var random = new Random(20240601);
        var data = new byte[4096];
        random.NextBytes(data);
        data[0] = 0x5A; // not the first byte of any supported format

        var rejected = Rejects(data);
        Assert.Equal(ImageRejectionReason.Undecodable, rejected.Reason);
        Assert.Contains("4096", rejected.Message);
    }

    [Fact]
    public void Formats_skia_sniffs_but_we_do_not_accept_are_undecodable()
    {
        // WBMP: type 0, fixed header 0, width 8, height 8, one byte per row. Its signature is two zero bytes,
        // so garbage could pass for it.
        byte[] wbmp = [0, 0, 8, 8, 0xFF, 0x81, 0x81, 0x81, 0x81, 0x81, 0x81, 0xFF];
        var rejected = Rejects(wbmp);
        Assert.Equal(ImageRejectionReason.Undecodable, rejected.Reason);
        Assert.Contains("WBMP (8x8)", rejected.Message);
    }

    [Fact]
    public void Text_is_undecodable()
    {
        var rejected = Rejects(Encoding.UTF8.GetBytes("This is not an image, it is a sentence about faces."));
        Assert.Equal(ImageRejectionReason.Undecodable, rejected.Reason);
    }

    [Fact]
    public void Jpeg_signature_followed_by_garbage_is_undecodable()
    {
        byte[] data = [0xFF, 0xD8, 0xFF, .. Enumerable.Repeat((byte)0x11, 1_000)];
        var rejected = Rejects(data);
        Assert.Equal(ImageRejectionReason.Undecodable, rejected.Reason);
    }

    public static TheoryData<string> MutatedFormats => new() { "jpeg", "png", "webp", "bmp", "pgm" };

    /// <summary>
    /// Flipped, overwritten and cut bytes anywhere in a valid file either still decode (JPEG in particular
    /// tolerates damaged entropy data) or are refused with <see cref="ImageRejectedException"/>; nothing else escapes.
    /// </summary>
    [Theory]
    [MemberData(nameof(MutatedFormats))]
    public void Damaged_files_decode_or_are_rejected_never_anything_else(string format)
    {
        const int Width = 24, Height = 16, Mutations = 300;
        var rgba = TestImages.Gradient(Width, Height);
        var original = format switch
        {
            "jpeg" => TestImages.Encode(rgba, Width, Height, SKEncodedImageFormat.Jpeg),
            "png" => TestImages.Encode(rgba, Width, Height, SKEncodedImageFormat.Png),
            "webp" => TestImages.Encode(rgba, Width, Height, SKEncodedImageFormat.Webp),
            "bmp" => TestImages.Bmp(rgba.Where((_, i) => i % 4 != 3).ToArray(), Width, Height),
            _ => [.. Encoding.ASCII.GetBytes($"P5 {Width} {Height} 255\n"), .. rgba.Where((_, i) => i % 4 == 0)],
        };

        var random = new Random(format.Length * 7919);
        for (var m = 0; m < Mutations; m++)
        {
            var damaged = original.ToArray();
            var at = random.Next(damaged.Length);
            switch (m % 3)
            {
                case 0:
                    damaged[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    random.NextBytes(damaged.AsSpan(at, Math.Min(8, damaged.Length - at)));
                    break;
                default:
                    damaged = damaged[..at];
                    break;
            }

            try
            {
                var image = ImageDecoder.Decode(damaged);
                Assert.Equal(image.Width * image.Height * 3, image.Pixels.Length);
            }
            catch (ImageRejectedException)
            {
                // Refused with a reason: what bad data should get.
            }
        }
    }

    [Fact]
    public void File_larger_than_the_limit_is_rejected_by_its_size_and_names_the_file()
    {
        var path = Path.Combine(Path.GetTempPath(), $"facegrains-large-{Guid.NewGuid():N}.jpg");
        File.WriteAllBytes(path, new byte[2_000]);
        try
        {
            var rejected = Assert.Throws<ImageRejectedException>(() => ImageDecoder.DecodeFile(path, new ImageLimits { MaxBytes = 1_000 }));
            Assert.Equal(ImageRejectionReason.TooLarge, rejected.Reason);
            Assert.Contains(path, rejected.Message);
            Assert.Contains("2000", rejected.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Empty_file_is_rejected_as_empty()
    {
        var path = Path.Combine(Path.GetTempPath(), $"facegrains-empty-{Guid.NewGuid():N}.png");
        File.WriteAllBytes(path, []);
        try
        {
            var rejected = Assert.Throws<ImageRejectedException>(() => ImageDecoder.DecodeFile(path));
            Assert.Equal(ImageRejectionReason.Empty, rejected.Reason);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Missing_file_is_an_io_error_not_a_rejection() =>
        Assert.Throws<FileNotFoundException>(() => ImageDecoder.DecodeFile(Path.Combine(Path.GetTempPath(), $"facegrains-missing-{Guid.NewGuid():N}.jpg")));

    [Fact]
    public void Invalid_limits_are_a_programmer_error() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageDecoder.Decode([1, 2, 3], new ImageLimits { MaxPixels = 0 }));
}
