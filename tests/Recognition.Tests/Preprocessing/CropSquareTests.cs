using FaceGrains.Recognition.Preprocessing;
using Xunit;

namespace FaceGrains.Recognition.Tests.Preprocessing;

public sealed class CropSquareTests
{
    [Fact]
    public void Fit_of_a_portrait_image_pads_black_columns_equally_on_both_sides()
    {
        // face-api.js's face_rectangular.png: 122×178 becomes a 178 square with 28 black columns each side.
        var square = CropSquare.Of(122, 178, CropPolicy.FitWhole);

        Assert.Equal(new CropSquare(-28, 0, 178), square);
        Assert.Equal(122 + 28, square.Right);
        Assert.Equal(178, square.Bottom);
    }

    [Fact]
    public void Fit_of_a_landscape_image_pads_rows_above_and_below()
    {
        Assert.Equal(new CropSquare(0, -28, 178), CropSquare.Of(178, 122, CropPolicy.FitWhole));
    }

    [Theory]
    [InlineData(121, 178, 28, 29)]
    [InlineData(2, 3, 0, 1)]
    [InlineData(1, 4, 1, 2)]
    public void Fit_with_an_odd_difference_puts_the_extra_pixel_after(int width, int height, int before, int after)
    {
        var square = CropSquare.Of(width, height, CropPolicy.FitWhole);

        Assert.Equal(-before, square.Left);
        Assert.Equal(width + after, square.Right);
        Assert.Equal(height, square.Side);
        Assert.Equal(0, square.Top);

        var transposed = CropSquare.Of(height, width, CropPolicy.FitWhole);
        Assert.Equal(new CropSquare(0, -before, height), transposed);
    }

    [Fact]
    public void Fit_of_a_square_image_is_the_image_and_ignores_side_and_centre()
    {
        Assert.Equal(new CropSquare(0, 0, 150), CropSquare.Of(150, 150, CropPolicy.FitWhole));
        Assert.Equal(new CropSquare(-28, 0, 178), CropSquare.Of(122, 178, new CropPolicy { Fit = true, Side = 0.3, CenterX = 0.1, CenterY = 0.9 }));
    }

    [Fact]
    public void Full_is_the_centred_square_of_the_shorter_side()
    {
        Assert.Equal(new CropSquare(20, 0, 60), CropSquare.Of(100, 60, CropPolicy.Full));
        Assert.Equal(new CropSquare(0, 20, 60), CropSquare.Of(60, 100, CropPolicy.Full));
    }

    [Fact]
    public void A_fractional_policy_scales_with_the_image()
    {
        var lfw = new CropPolicy { Side = 0.46, CenterX = 0.5, CenterY = 0.55 };

        var square = CropSquare.Of(250, 250, lfw);

        Assert.Equal(115, square.Side, 9);
        Assert.Equal(125 - 57.5, square.Left, 9);
        Assert.Equal(137.5 - 57.5, square.Top, 9);
    }

    [Fact]
    public void Empty_images_and_invalid_policies_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CropSquare.Of(0, 10, CropPolicy.Full));
        Assert.Throws<ArgumentOutOfRangeException>(() => CropSquare.Of(10, -1, CropPolicy.FitWhole));
        Assert.Throws<ArgumentOutOfRangeException>(() => CropSquare.Of(10, 10, new CropPolicy { Side = 0 }));
    }
}
