using FaceGrains.Recognition.Images;
using FaceGrains.Recognition.Preprocessing;
using Xunit;

namespace FaceGrains.Recognition.Tests.Preprocessing;

public sealed class PreprocessorTests
{
    private const float Tolerance = 1e-3f;

    /// <summary>An image whose pixel (x, y) is (r, g, b) = (10x + y, 100 + x, 200 + y): every pixel and channel tells where it came from.</summary>
    private static RgbImage Coordinates(int width, int height)
    {
        var pixels = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var o = ((y * width) + x) * 3;
                (pixels[o], pixels[o + 1], pixels[o + 2]) = ((byte)((10 * x) + y), (byte)(100 + x), (byte)(200 + y));
            }
        }

        return new RgbImage(width, height, pixels);
    }

    /// <summary>A grey image from rows of values.</summary>
    private static RgbImage Grey(int[,] rows)
    {
        var (height, width) = (rows.GetLength(0), rows.GetLength(1));
        var pixels = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var o = ((y * width) + x) * 3;
                pixels[o] = pixels[o + 1] = pixels[o + 2] = (byte)rows[y, x];
            }
        }

        return new RgbImage(width, height, pixels);
    }

    private static float[] Tensor(RgbImage image, PreprocessingSpec spec, CropPolicy? crop = null)
    {
        var tensor = new float[3 * spec.Width * spec.Height];
        Preprocessor.ToTensor(image, spec, crop, tensor);
        return tensor;
    }

    private static float At(float[] tensor, PreprocessingSpec spec, int channel, int x, int y) =>
        tensor[(channel * spec.Width * spec.Height) + (y * spec.Width) + x];

    private static PreprocessingSpec Size(int width, int height) => new() { Width = width, Height = height };

    [Fact]
    public void Same_size_full_crop_copies_pixels_and_normalises_per_channel()
    {
        var image = Coordinates(3, 3);
        var spec = new PreprocessingSpec { Width = 3, Height = 3, Mean = [10f, 100f, 127.5f], Std = [2f, 4f, 127.5f] };
        var tensor = Tensor(image, spec);

        for (var y = 0; y < 3; y++)
        {
            for (var x = 0; x < 3; x++)
            {
                Assert.Equal(((10 * x) + y - 10f) / 2f, At(tensor, spec, 0, x, y), Tolerance);
                Assert.Equal((100 + x - 100f) / 4f, At(tensor, spec, 1, x, y), Tolerance);
                Assert.Equal((200 + y - 127.5f) / 127.5f, At(tensor, spec, 2, x, y), Tolerance);
            }
        }
    }

    [Fact]
    public void Bgr_order_puts_blue_first_and_applies_mean_in_tensor_order()
    {
        var image = Coordinates(3, 3);
        var spec = new PreprocessingSpec { Width = 3, Height = 3, ChannelOrder = "bgr", Mean = [200f, 100f, 0f], Std = [1f, 1f, 2f] };
        var tensor = Tensor(image, spec);

        for (var y = 0; y < 3; y++)
        {
            for (var x = 0; x < 3; x++)
            {
                Assert.Equal(y, At(tensor, spec, 0, x, y), Tolerance);                  // blue 200 + y, minus 200
                Assert.Equal(x, At(tensor, spec, 1, x, y), Tolerance);                  // green 100 + x, minus 100
                Assert.Equal(((10 * x) + y) / 2f, At(tensor, spec, 2, x, y), Tolerance); // red over 2
            }
        }
    }

    [Fact]
    public void Full_crop_of_a_wide_image_takes_the_centred_square()
    {
        // 6×4: the square has side 4, centred at (3, 2), so it spans columns 1..4.
        var image = Coordinates(6, 4);
        var spec = Size(4, 4);
        var tensor = Tensor(image, spec);

        for (var y = 0; y < 4; y++)
        {
            for (var x = 0; x < 4; x++)
            {
                Assert.Equal((10 * (x + 1)) + y, At(tensor, spec, 0, x, y), Tolerance);
            }
        }
    }

    [Fact]
    public void Crop_centred_on_the_corner_is_offset_with_black_outside()
    {
        // Side 1 × 4 = 4 centred at (0, 0): the square spans -2..2, so the image lands in its bottom-right quarter.
        var image = Coordinates(4, 4);
        var spec = Size(4, 4);
        var tensor = Tensor(image, spec, new CropPolicy { Side = 1, CenterX = 0, CenterY = 0 });

        for (var y = 0; y < 4; y++)
        {
            for (var x = 0; x < 4; x++)
            {
                var inside = x >= 2 && y >= 2;
                Assert.Equal(inside ? (10 * (x - 2)) + (y - 2) : 0f, At(tensor, spec, 0, x, y), Tolerance);
                Assert.Equal(inside ? 100 + (x - 2) : 0f, At(tensor, spec, 1, x, y), Tolerance);
                Assert.Equal(inside ? 200 + (y - 2) : 0f, At(tensor, spec, 2, x, y), Tolerance);
            }
        }
    }

    [Fact]
    public void Small_crop_selects_the_stated_square()
    {
        // Side 0.5 × 4 = 2 centred at (3, 1): columns 2..3, rows 0..1.
        var image = Coordinates(4, 4);
        var spec = Size(2, 2);
        var tensor = Tensor(image, spec, CropPolicy.Parse("0.5,0.75,0.25"));

        for (var y = 0; y < 2; y++)
        {
            for (var x = 0; x < 2; x++)
            {
                Assert.Equal((10 * (x + 2)) + y, At(tensor, spec, 0, x, y), Tolerance);
            }
        }
    }

    [Fact]
    public void Null_crop_uses_the_spec_crop_and_an_explicit_crop_overrides_it()
    {
        var image = Coordinates(4, 4);
        var spec = Size(2, 2) with { Crop = CropPolicy.Parse("0.5,0.25,0.25") };

        Assert.Equal(0f, At(Tensor(image, spec), spec, 0, 0, 0), Tolerance);                      // pixel (0, 0)
        Assert.Equal(22f, At(Tensor(image, spec, CropPolicy.Parse("0.5,0.75,0.75")), spec, 0, 0, 0), Tolerance); // pixel (2, 2)
    }

    [Fact]
    public void Shrinking_a_checkerboard_to_one_pixel_gives_its_mean()
    {
        var board = new int[4, 4];
        for (var y = 0; y < 4; y++)
        {
            for (var x = 0; x < 4; x++)
            {
                board[y, x] = (x + y) % 2 == 0 ? 0 : 255;
            }
        }

        var spec = Size(1, 1);
        var tensor = Tensor(Grey(board), spec);

        Assert.All(tensor, v => Assert.Equal(127.5f, v, Tolerance));
    }

    [Fact]
    public void Shrinking_by_two_uses_the_widened_triangle_filter_like_pil()
    {
        // Columns 0, 10, 20, 30 → 2 wide. Scale 2 widens the triangle to support 2: output 0 is centred at 1
        // and weighs columns 0, 1, 2 by 0.75, 0.75, 0.25 (normalised by 1.75); output 1 mirrors it.
        var image = Grey(new[,] { { 0, 10, 20, 30 }, { 0, 10, 20, 30 }, { 0, 10, 20, 30 }, { 0, 10, 20, 30 } });
        var spec = Size(2, 2);
        var tensor = Tensor(image, spec);

        Assert.Equal(12.5f / 1.75f, At(tensor, spec, 0, 0, 0), Tolerance);
        Assert.Equal(40f / 1.75f, At(tensor, spec, 0, 1, 0), Tolerance);
        Assert.Equal(40f / 1.75f, At(tensor, spec, 2, 1, 1), Tolerance);
    }

    [Fact]
    public void Upscaling_is_bilinear_between_pixel_centres_and_flat_beyond_the_edge_centres()
    {
        var image = Grey(new[,] { { 0, 100 }, { 100, 200 } });
        var spec = Size(4, 4);
        var tensor = Tensor(image, spec);

        // Output centres fall at 0.25, 0.75, 1.25, 1.75 source pixels; source centres at 0.5 and 1.5.
        float[,] expected =
        {
            { 0f, 25f, 75f, 100f },
            { 25f, 50f, 100f, 125f },
            { 75f, 100f, 150f, 175f },
            { 100f, 125f, 175f, 200f },
        };
        for (var y = 0; y < 4; y++)
        {
            for (var x = 0; x < 4; x++)
            {
                Assert.Equal(expected[y, x], At(tensor, spec, 1, x, y), Tolerance);
            }
        }
    }

    [Fact]
    public void Crop_and_resize_rounds_the_same_values_to_bytes()
    {
        var image = Grey(new[,] { { 0, 100 }, { 100, 201 } });
        var resized = Preprocessor.CropAndResize(image, CropPolicy.Full, 4, 4);

        Assert.Equal((4, 4), (resized.Width, resized.Height));

        // (1, 1): 0.5625 * 0 + 0.1875 * 100 * 2 + 0.0625 * 201 = 50.0625 → 50; (3, 3) is the corner 201.
        Assert.Equal(50, resized.Pixels[((1 * 4) + 1) * 3]);
        Assert.Equal(201, resized.Pixels[((3 * 4) + 3) * 3]);

        var spec = Size(4, 4);
        var tensor = Tensor(image, spec);
        for (var i = 0; i < 16; i++)
        {
            Assert.Equal(MathF.Round(tensor[i], MidpointRounding.AwayFromZero), resized.Pixels[i * 3]);
        }
    }

    [Fact]
    public void Crop_larger_than_the_image_pads_every_side_with_black()
    {
        // Side 2 × 2 = 4 centred on a 2×2 image: one black pixel all round at scale 1.
        var image = Grey(new[,] { { 10, 20 }, { 30, 40 } });
        var resized = Preprocessor.CropAndResize(image, new CropPolicy { Side = 2 }, 4, 4);

        byte[] expected = [0, 0, 0, 0, 0, 10, 20, 0, 0, 30, 40, 0, 0, 0, 0, 0];
        Assert.Equal(expected, resized.Pixels.Where((_, i) => i % 3 == 0).ToArray());
    }

    [Fact]
    public void Destination_of_the_wrong_length_is_a_programmer_error()
    {
        var spec = Size(2, 2);
        Assert.Throws<ArgumentException>(() => Preprocessor.ToTensor(Coordinates(2, 2), spec, null, new float[11]));
    }

    [Fact]
    public void Unknown_channel_order_is_a_programmer_error()
    {
        var spec = Size(2, 2) with { ChannelOrder = "rgba" };
        Assert.Throws<ArgumentException>(() => Preprocessor.ToTensor(Coordinates(2, 2), spec, null, new float[12]));
    }

    [Fact]
    public void Crop_square_follows_the_policy_geometry()
    {
        var square = CropSquare.Of(250, 200, new CropPolicy { Side = 0.5, CenterX = 0.5, CenterY = 0.55 });

        Assert.Equal(100, square.Side, 9);
        Assert.Equal(75, square.Left, 9);
        Assert.Equal(60, square.Top, 9);
        Assert.Equal(175, square.Right, 9);
        Assert.Equal(160, square.Bottom, 9);
    }
}
