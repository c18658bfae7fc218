using FaceGrains.Recognition.Images;
using SkiaSharp;
using Xunit;

namespace FaceGrains.Recognition.Tests.Images;

/// <summary>
/// A 32×16 JPEG with coloured quadrants (red top-left, green top-right, blue bottom-left, white bottom-right)
/// gets an Exif orientation spliced in; the decoded image must be shown the way the tag says.
/// </summary>
public sealed class ExifOrientationTests
{
    private const int Width = 32;
    private const int Height = 16;
    private const int JpegTolerance = 12;

    public static TheoryData<ushort, string, string, string, string> Orientations => new()
    {
        // orientation, then the colours expected at the top-left, top-right, bottom-left, bottom-right corners
        { 1, "red", "green", "blue", "white" },
        { 2, "green", "red", "white", "blue" },     // mirrored horizontally
        { 3, "white", "blue", "green", "red" },     // rotated 180
        { 4, "blue", "white", "red", "green" },     // mirrored vertically
        { 5, "red", "blue", "green", "white" },     // transposed
        { 6, "blue", "red", "white", "green" },     // rotated 90 clockwise
        { 7, "white", "green", "blue", "red" },     // transversed
        { 8, "green", "white", "red", "blue" },     // rotated 90 counter-clockwise
    };

    [Theory]
    [MemberData(nameof(Orientations))]
    public void Jpeg_is_oriented_as_its_exif_tag_says(ushort orientation, string topLeft, string topRight, string bottomLeft, string bottomRight)
    {
        var jpeg = TestImages.Encode(TestImages.Quadrants(Width, Height), Width, Height, SKEncodedImageFormat.Jpeg);
        var image = ImageDecoder.Decode(TestImages.WithExifOrientation(jpeg, orientation));

        var swapped = orientation >= 5;
        Assert.Equal(swapped ? (Height, Width) : (Width, Height), (image.Width, image.Height));

        // Sample two pixels in from each corner, clear of JPEG's blurring at block edges.
        const int Inset = 2;
        AssertColour(image, Inset, Inset, topLeft);
        AssertColour(image, image.Width - 1 - Inset, Inset, topRight);
        AssertColour(image, Inset, image.Height - 1 - Inset, bottomLeft);
        AssertColour(image, image.Width - 1 - Inset, image.Height - 1 - Inset, bottomRight);
    }

    [Fact]
    public void Every_orientation_moves_pixels_without_loss()
    {
        // Exact check of the transform itself on a 3×2 image with distinct pixels.
        const int W = 3, H = 2;
        var rgba = new byte[W * H * 4];
        for (var i = 0; i < W * H; i++)
        {
            rgba[i * 4] = (byte)(i + 1);
        }

        // Expected first-channel values, row by row, as the image should be displayed.
        var expected = new Dictionary<SKEncodedOrigin, byte[]>
        {
            [SKEncodedOrigin.TopLeft] = [1, 2, 3, 4, 5, 6],
            [SKEncodedOrigin.TopRight] = [3, 2, 1, 6, 5, 4],
            [SKEncodedOrigin.BottomRight] = [6, 5, 4, 3, 2, 1],
            [SKEncodedOrigin.BottomLeft] = [4, 5, 6, 1, 2, 3],
            [SKEncodedOrigin.LeftTop] = [1, 4, 2, 5, 3, 6],
            [SKEncodedOrigin.RightTop] = [4, 1, 5, 2, 6, 3],
            [SKEncodedOrigin.RightBottom] = [6, 3, 5, 2, 4, 1],
            [SKEncodedOrigin.LeftBottom] = [3, 6, 2, 5, 1, 4],
        };

        foreach (var (origin, reds) in expected)
        {
            var rgb = new byte[W * H * 3];
            RgbaToRgb.CopyOriented(rgba, W, H, origin, rgb);
            Assert.Equal(reds, rgb.Where((_, i) => i % 3 == 0).ToArray());
        }
    }

    [Fact]
    public void Vectorised_copy_matches_pixel_by_pixel_for_every_length()
    {
        var random = new Random(3);
        for (var pixels = 0; pixels < 40; pixels++)
        {
            var rgba = new byte[pixels * 4];
            random.NextBytes(rgba);
            var rgb = new byte[pixels * 3];
            RgbaToRgb.Copy(rgba, rgb);
            Assert.Equal(rgba.Where((_, i) => i % 4 != 3).ToArray(), rgb);
        }
    }

    private static void AssertColour(RgbImage image, int x, int y, string name)
    {
        var expected = name switch
        {
            "red" => TestImages.Red,
            "green" => TestImages.Green,
            "blue" => TestImages.Blue,
            _ => TestImages.White,
        };
        var actual = TestImages.PixelAt(image, x, y);
        Assert.True(TestImages.Near(actual, expected, JpegTolerance), $"At ({x}, {y}) expected {name} {expected}, got {actual}.");
    }
}
