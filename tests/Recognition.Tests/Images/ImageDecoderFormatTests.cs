using System.Text;
using FaceGrains.Recognition.Images;
using FaceGrains.TestSupport;
using SkiaSharp;
using Xunit;

namespace FaceGrains.Recognition.Tests.Images;

public sealed class ImageDecoderFormatTests
{
    private const int JpegTolerance = 12;

    [RequiresDataFact("orl/s1/1.pgm")]
    public void Orl_binary_pgm_with_a_comment_decodes_to_equal_grey_channels()
    {
        var path = SharedData.PathOf("orl", "s1", "1.pgm");
        var image = ImageDecoder.DecodeFile(path);

        Assert.Equal(92, image.Width);
        Assert.Equal(112, image.Height);

        // The raster is the file's last width*height bytes; each becomes three equal channels.
        var raster = File.ReadAllBytes(path)[^(92 * 112)..];
        for (var i = 0; i < raster.Length; i++)
        {
            Assert.Equal(raster[i], image.Pixels[i * 3]);
            Assert.Equal(raster[i], image.Pixels[(i * 3) + 1]);
            Assert.Equal(raster[i], image.Pixels[(i * 3) + 2]);
        }
    }

    [RequiresDataFact("yale/subject01.happy")]
    public void Yale_gif_without_extension_decodes_its_first_frame()
    {
        var image = ImageDecoder.DecodeFile(SharedData.PathOf("yale", "subject01.happy"));

        Assert.Equal(320, image.Width);
        Assert.Equal(243, image.Height);
        AssertGrey(image);
        Assert.Contains(image.Pixels, p => p > 0);
    }

    [RequiresDataFact("lfw/Aaron_Eckhart/Aaron_Eckhart_0001.jpg")]
    public void Lfw_jpeg_decodes_to_250_square_colour()
    {
        var image = ImageDecoder.DecodeFile(SharedData.PathOf("lfw", "Aaron_Eckhart", "Aaron_Eckhart_0001.jpg"));

        Assert.Equal(250, image.Width);
        Assert.Equal(250, image.Height);
        Assert.Contains(Enumerable.Range(0, image.Width * image.Height), i => image.Pixels[i * 3] != image.Pixels[(i * 3) + 2]);
    }

    [RequiresDataFact("bbt/people/amy/amy1.png")]
    public void Bbt_grey_png_decodes_to_150_square()
    {
        var image = ImageDecoder.DecodeFile(SharedData.PathOf("bbt", "people", "amy", "amy1.png"));

        Assert.Equal(150, image.Width);
        Assert.Equal(150, image.Height);
        AssertGrey(image);
    }

    [RequiresDataFact("lfw/Aaron_Eckhart/Aaron_Eckhart_0001.jpg")]
    public void Decoding_a_file_equals_decoding_its_bytes()
    {
        var path = SharedData.PathOf("lfw", "Aaron_Eckhart", "Aaron_Eckhart_0001.jpg");
        Assert.Equal(ImageDecoder.Decode(File.ReadAllBytes(path)).Pixels, ImageDecoder.DecodeFile(path).Pixels);
    }

    [Fact]
    public void Png_round_trips_exactly()
    {
        var rgba = TestImages.Gradient(13, 7);
        var image = ImageDecoder.Decode(TestImages.Encode(rgba, 13, 7, SKEncodedImageFormat.Png));

        Assert.Equal((13, 7), (image.Width, image.Height));
        Assert.Equal(DropAlpha(rgba), image.Pixels);
    }

    [Fact]
    public void Png_alpha_is_dropped_keeping_the_colour_underneath()
    {
        var rgba = TestImages.Gradient(9, 5, alpha: 128);
        var image = ImageDecoder.Decode(TestImages.Encode(rgba, 9, 5, SKEncodedImageFormat.Png, opaque: false));

        Assert.Equal(DropAlpha(rgba), image.Pixels);
    }

    [Fact]
    public void Lossless_webp_round_trips_exactly()
    {
        var rgba = TestImages.Gradient(11, 6);
        var image = ImageDecoder.Decode(TestImages.EncodeLosslessWebp(rgba, 11, 6));

        Assert.Equal((11, 6), (image.Width, image.Height));
        Assert.Equal(DropAlpha(rgba), image.Pixels);
    }

    [Fact]
    public void Jpeg_decodes_close_to_what_was_encoded()
    {
        var image = ImageDecoder.Decode(TestImages.Encode(TestImages.Quadrants(32, 16), 32, 16, SKEncodedImageFormat.Jpeg));

        Assert.Equal((32, 16), (image.Width, image.Height));
        Assert.True(TestImages.Near(TestImages.PixelAt(image, 2, 2), TestImages.Red, JpegTolerance));
        Assert.True(TestImages.Near(TestImages.PixelAt(image, 29, 2), TestImages.Green, JpegTolerance));
        Assert.True(TestImages.Near(TestImages.PixelAt(image, 2, 13), TestImages.Blue, JpegTolerance));
        Assert.True(TestImages.Near(TestImages.PixelAt(image, 29, 13), TestImages.White, JpegTolerance));
    }

    [Fact]
    public void Hand_written_bmp_decodes_exactly_including_row_padding()
    {
        // Width 3 gives 9-byte rows padded to 12, so a wrong stride would show.
        byte[] rgb = [255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30, 40, 50, 60, 70, 80, 90];
        var image = ImageDecoder.Decode(TestImages.Bmp(rgb, 3, 2));

        Assert.Equal((3, 2), (image.Width, image.Height));
        Assert.Equal(rgb, image.Pixels);
    }

    [Fact]
    public void Ascii_pgm_with_comments_anywhere_in_the_header_scales_to_255()
    {
        var text = "P2\n# made by hand\n3 # width\n# the height comes next\n2\n15 # maximum value\n0 5 10\n15 7 1\n";
        var image = ImageDecoder.Decode(Encoding.ASCII.GetBytes(text));

        Assert.Equal((3, 2), (image.Width, image.Height));

        // Samples scale by 255 / 15 = 17.
        byte[] expected = [0, 85, 170, 255, 119, 17];
        Assert.Equal(expected.SelectMany(g => new[] { g, g, g }).ToArray(), image.Pixels);
    }

    [Fact]
    public void Sixteen_bit_binary_pgm_scales_to_255()
    {
        var header = Encoding.ASCII.GetBytes("P5 3 1 65535\n");
        byte[] raster = [0x00, 0x00, 0x80, 0x00, 0xFF, 0xFF];
        var image = ImageDecoder.Decode([.. header, .. raster]);

        // 0x8000 * 255 / 65535 = 127.5..., rounded to 128.
        Assert.Equal(new byte[] { 0, 0, 0, 128, 128, 128, 255, 255, 255 }, image.Pixels);
    }

    [Fact]
    public void Binary_and_ascii_ppm_decode_colour()
    {
        byte[] rgb = [1, 2, 3, 250, 251, 252];
        var binary = ImageDecoder.Decode([.. Encoding.ASCII.GetBytes("P6\n# colour\n2 1\n255\n"), .. rgb]);
        var ascii = ImageDecoder.Decode(Encoding.ASCII.GetBytes("P3 2 1 255\n1 2 3\n250 251 252\n"));

        Assert.Equal(rgb, binary.Pixels);
        Assert.Equal(rgb, ascii.Pixels);
    }

    [Fact]
    public void Bytes_after_a_pgm_raster_are_ignored()
    {
        var image = ImageDecoder.Decode([.. Encoding.ASCII.GetBytes("P5 1 1 255\n"), 42, 99, 99]);
        Assert.Equal(new byte[] { 42, 42, 42 }, image.Pixels);
    }

    private static byte[] DropAlpha(byte[] rgba) =>
        rgba.Where((_, i) => i % 4 != 3).ToArray();

    private static void AssertGrey(RgbImage image)
    {
        for (var i = 0; i < image.Pixels.Length; i += 3)
        {
            Assert.Equal(image.Pixels[i], image.Pixels[i + 1]);
            Assert.Equal(image.Pixels[i], image.Pixels[i + 2]);
        }
    }
}
