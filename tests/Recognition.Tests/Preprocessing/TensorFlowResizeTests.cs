using FaceGrains.Recognition.Images;
using FaceGrains.Recognition.Preprocessing;
using Xunit;

namespace FaceGrains.Recognition.Tests.Preprocessing;

/// <summary>
/// <c>resize = "tf-bilinear"</c>: TensorFlow's legacy resize_bilinear (align_corners = half_pixel_centers = false),
/// checked against a direct transcription of TF's kernel: output i samples the square at i · length / size,
/// between floor(·) and min(floor(·) + 1, length − 1), no antialiasing.
/// </summary>
public sealed class TensorFlowResizeTests
{
    private const float Tolerance = 1e-3f;

    /// <summary>Per channel distinct, non-linear content.</summary>
    private static RgbImage Pattern(int width, int height)
    {
        var pixels = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var o = ((y * width) + x) * 3;
                pixels[o] = (byte)(((x * x * 37) + (y * 53) + 11) % 256);
                pixels[o + 1] = (byte)(((x * 71) + (y * y * 29) + 5) % 256);
                pixels[o + 2] = (byte)(255 - ((x * y * 43) % 256));
            }
        }

        return new RgbImage(width, height, pixels);
    }

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

    private static PreprocessingSpec Spec(int size, string resize = PreprocessingSpec.TensorFlowBilinearResize) =>
        new() { Width = size, Height = size, Mean = [0f, 0f, 0f], Std = [1f, 1f, 1f], Resize = resize };

    private static float[] Tensor(RgbImage image, PreprocessingSpec spec, CropPolicy crop)
    {
        var tensor = new float[3 * spec.Width * spec.Height];
        Preprocessor.ToTensor(image, spec, crop, tensor);
        return tensor;
    }

    private static float At(float[] tensor, int size, int channel, int x, int y) => tensor[(channel * size * size) + (y * size) + x];

    /// <summary>TF's kernel over the square [left, left + length) × [top, top + length) of the image; outside the image is black.</summary>
    private static double Reference(RgbImage image, int left, int top, int length, int size, int channel, int x, int y)
    {
        double Pixel(int sx, int sy)
        {
            var (ix, iy) = (left + sx, top + sy);
            return ix < 0 || iy < 0 || ix >= image.Width || iy >= image.Height ? 0 : image.Pixels[(((iy * image.Width) + ix) * 3) + channel];
        }

        var scale = (double)length / size;
        var inY = y * scale;
        var topIndex = (int)Math.Floor(inY);
        var bottomIndex = Math.Min((int)Math.Ceiling(inY), length - 1);
        var yLerp = inY - topIndex;
        var inX = x * scale;
        var leftIndex = (int)Math.Floor(inX);
        var rightIndex = Math.Min((int)Math.Ceiling(inX), length - 1);
        var xLerp = inX - leftIndex;

        var upper = Pixel(leftIndex, topIndex) + ((Pixel(rightIndex, topIndex) - Pixel(leftIndex, topIndex)) * xLerp);
        var lower = Pixel(leftIndex, bottomIndex) + ((Pixel(rightIndex, bottomIndex) - Pixel(leftIndex, bottomIndex)) * xLerp);
        return upper + ((lower - upper) * yLerp);
    }

    [Fact]
    public void Four_to_three_samples_at_multiples_of_four_thirds_with_two_taps()
    {
        var image = Grey(new[,]
        {
            { 0, 10, 20, 30 },
            { 40, 50, 60, 100 },
            { 80, 90, 200, 110 },
            { 120, 130, 140, 150 },
        });
        var tensor = Tensor(image, Spec(3), CropPolicy.Full);

        // Worked by hand: output (0, 0) is pixel (0, 0); output (1, 1) sits at (4/3, 4/3) between pixels 1 and 2:
        // row 1: 50 + (60 − 50)/3 = 53.33; row 2: 90 + (200 − 90)/3 = 126.67; then 53.33 + (126.67 − 53.33)/3 = 77.78.
        Assert.Equal(0f, At(tensor, 3, 0, 0, 0), Tolerance);
        Assert.Equal(77.7778f, At(tensor, 3, 0, 1, 1), Tolerance);

        // Output (2, 0) sits at x = 8/3 on row 0: 20 + (30 − 20)·2/3 = 26.67 (an antialiased filter would also mix in 10).
        Assert.Equal(26.6667f, At(tensor, 3, 1, 2, 0), Tolerance);

        // Output (2, 2) at (8/3, 8/3): row 2: 200 + (110 − 200)·2/3 = 140; row 3: 140 + 10·2/3 = 146.67; 140 + 6.67·2/3 = 144.44.
        Assert.Equal(144.4444f, At(tensor, 3, 2, 2, 2), Tolerance);
    }

    [Theory]
    [InlineData(4, 4, 3)]
    [InlineData(9, 9, 4)]
    [InlineData(7, 7, 5)]
    [InlineData(5, 5, 5)]
    public void Every_output_of_a_downscale_matches_the_tensorflow_kernel(int width, int height, int size)
    {
        var image = Pattern(width, height);
        var tensor = Tensor(image, Spec(size), CropPolicy.Full);

        for (var c = 0; c < 3; c++)
        {
            for (var y = 0; y < size; y++)
            {
                for (var x = 0; x < size; x++)
                {
                    Assert.Equal((float)Reference(image, 0, 0, width, size, c, x, y), At(tensor, size, c, x, y), Tolerance);
                }
            }
        }
    }

    [Fact]
    public void Upscaling_clamps_to_the_last_pixel_with_full_weight()
    {
        // 2 → 3: outputs sample at 0, 2/3 and 4/3; the last lies past pixel 1, so TF reads pixel 1 alone.
        var image = Grey(new[,]
        {
            { 0, 90 },
            { 180, 30 },
        });
        var tensor = Tensor(image, Spec(3), CropPolicy.Full);

        Assert.Equal(60f, At(tensor, 3, 0, 1, 0), Tolerance); // 0 + 90·2/3
        Assert.Equal(90f, At(tensor, 3, 0, 2, 0), Tolerance); // clamped: pixel (1, 0)
        Assert.Equal(180f, At(tensor, 3, 0, 0, 2), Tolerance); // clamped: pixel (0, 1)
        Assert.Equal(30f, At(tensor, 3, 0, 2, 2), Tolerance); // clamped both ways: pixel (1, 1)
        Assert.Equal(80f, At(tensor, 3, 0, 1, 2), Tolerance); // row 1: 180 + (30 − 180)·2/3
    }

    [Theory]
    [InlineData(3, 4, 6)]
    [InlineData(5, 5, 8)]
    public void Every_output_of_an_upscale_matches_the_tensorflow_kernel(int width, int height, int size)
    {
        var image = Pattern(width, height);
        var crop = CropSquare.Of(width, height, CropPolicy.FitWhole);
        var tensor = Tensor(image, Spec(size), CropPolicy.FitWhole);

        for (var c = 0; c < 3; c++)
        {
            for (var y = 0; y < size; y++)
            {
                for (var x = 0; x < size; x++)
                {
                    var expected = Reference(image, (int)crop.Left, (int)crop.Top, (int)crop.Side, size, c, x, y);
                    Assert.Equal((float)expected, At(tensor, size, c, x, y), Tolerance);
                }
            }
        }
    }

    [Fact]
    public void Fit_puts_the_padding_in_black_and_the_odd_column_after()
    {
        // 2 wide, 3 high → a 3 square with one black column on the right; 3 → 3 copies.
        var image = Grey(new[,]
        {
            { 10, 20 },
            { 30, 40 },
            { 50, 60 },
        });
        var tensor = Tensor(image, Spec(3), CropPolicy.FitWhole);

        for (var y = 0; y < 3; y++)
        {
            Assert.Equal(10f + (20 * y), At(tensor, 3, 0, 0, y), Tolerance);
            Assert.Equal(20f + (20 * y), At(tensor, 3, 0, 1, y), Tolerance);
            Assert.Equal(0f, At(tensor, 3, 0, 2, y), Tolerance);
        }
    }

    [Fact]
    public void A_padded_portrait_face_chip_matches_the_tensorflow_kernel()
    {
        // The shape of face_rectangular.png, scaled down: 12×17 → 17 square (2 black columns before, 3 after) → 15.
        var image = Pattern(12, 17);
        var tensor = Tensor(image, Spec(15), CropPolicy.FitWhole);

        for (var c = 0; c < 3; c++)
        {
            for (var y = 0; y < 15; y++)
            {
                for (var x = 0; x < 15; x++)
                {
                    Assert.Equal((float)Reference(image, -2, 0, 17, 15, c, x, y), At(tensor, 15, c, x, y), Tolerance);
                }
            }
        }
    }

    [Fact]
    public void The_resize_setting_is_honoured_pixel_centre_bilinear_differs()
    {
        var image = Pattern(9, 9);

        var tf = Tensor(image, Spec(4), CropPolicy.Full);
        var pil = Tensor(image, Spec(4, PreprocessingSpec.BilinearResize), CropPolicy.Full);

        Assert.Contains(tf.Zip(pil), p => Math.Abs(p.First - p.Second) > 1f);
    }
}
