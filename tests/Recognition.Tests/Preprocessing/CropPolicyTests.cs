using FaceGrains.Recognition.Preprocessing;
using Xunit;

namespace FaceGrains.Recognition.Tests.Preprocessing;

public sealed class CropPolicyTests
{
    [Theory]
    [InlineData("full")]
    [InlineData("FULL")]
    public void Full_is_the_largest_centred_square(string text)
    {
        var policy = CropPolicy.Parse(text);

        Assert.Equal(CropPolicy.Full, policy);
        Assert.Equal((false, 1.0, 0.5, 0.5), (policy.Fit, policy.Side, policy.CenterX, policy.CenterY));
    }

    [Theory]
    [InlineData("fit")]
    [InlineData("Fit")]
    public void Fit_pads_the_whole_image(string text)
    {
        var policy = CropPolicy.Parse(text);

        Assert.True(policy.Fit);
        Assert.Equal(CropPolicy.FitWhole, policy);
    }

    [Theory]
    [InlineData("0.46,0.5,0.55", 0.46, 0.5, 0.55)]
    [InlineData(" 0.46 , 0.5 , 0.55 ", 0.46, 0.5, 0.55)]
    [InlineData("0.5", 0.5, 0.5, 0.5)]
    [InlineData("0.8,0.4", 0.8, 0.4, 0.5)]
    [InlineData("2", 2.0, 0.5, 0.5)]
    [InlineData("1e-1,0,1", 0.1, 0.0, 1.0)]
    public void Side_and_centre_fractions_with_defaults_for_the_missing_ones(string text, double side, double centerX, double centerY)
    {
        var policy = CropPolicy.Parse(text);

        Assert.Equal((false, side, centerX, centerY), (policy.Fit, policy.Side, policy.CenterX, policy.CenterY));
    }

    [Theory]
    [InlineData("")]
    [InlineData("square")]
    [InlineData("0.5,abc")]
    [InlineData("0.5,0.5,0.5,0.5")]
    [InlineData("0.5;0.5")]
    [InlineData("0,5,0,5,0,5")]
    public void Text_that_is_not_a_crop_is_a_format_error_quoting_it(string text)
    {
        var e = Assert.Throws<FormatException>(() => CropPolicy.Parse(text));

        Assert.Contains($"'{text}'", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("0,5")] // a decimal comma reads as side 0, centre_x 5
    [InlineData("-0.5")]
    [InlineData("4.5")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("0.5,1.5")]
    [InlineData("0.5,-0.1,0.5")]
    [InlineData("0.5,0.5,1.01")]
    public void Numbers_out_of_range_are_rejected(string text)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CropPolicy.Parse(text));
    }

    [Fact]
    public void Null_text_is_an_argument_error()
    {
        Assert.Throws<ArgumentNullException>(() => CropPolicy.Parse(null!));
    }

    [Theory]
    [InlineData("0.46,0.5,0.55", "0.46,0.5,0.55")]
    [InlineData("full", "1,0.5,0.5")]
    [InlineData("fit", "fit")]
    [InlineData("0.5", "0.5,0.5,0.5")]
    [InlineData("1.25,0.125,0.875", "1.25,0.125,0.875")]
    public void ToString_prints_what_Parse_reads_back(string text, string expected)
    {
        var policy = CropPolicy.Parse(text);

        Assert.Equal(expected, policy.ToString());
        Assert.Equal(policy, CropPolicy.Parse(policy.ToString()));
    }

    [Fact]
    public void ToString_round_trips_fractions_with_many_digits_exactly()
    {
        // A reported crop must reproduce the run it came from when passed back to --crop.
        var policy = new CropPolicy { Side = 0.4567891, CenterX = 1.0 / 3.0, CenterY = 0.55555 };

        Assert.Equal(policy, CropPolicy.Parse(policy.ToString()));
    }

    [Fact]
    public void ToString_does_not_depend_on_the_current_culture()
    {
        var saved = System.Globalization.CultureInfo.CurrentCulture;
        try
        {
            System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
            Assert.Equal("0.46,0.5,0.55", CropPolicy.Parse("0.46,0.5,0.55").ToString());
        }
        catch (System.Globalization.CultureNotFoundException)
        {
            // Invariant-globalisation builds have no de-DE; the invariant culture is then the only one.
            Assert.Equal("0.46,0.5,0.55", CropPolicy.Parse("0.46,0.5,0.55").ToString());
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = saved;
        }
    }
}
