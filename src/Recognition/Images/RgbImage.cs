namespace FaceGrains.Recognition.Images;

/// <summary>
/// A decoded image: 8-bit RGB, interleaved, rows top to bottom, no padding between rows.
/// Grey sources are expanded to three equal channels.
/// </summary>
public sealed class RgbImage
{
    public RgbImage(int width, int height, byte[] pixels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentNullException.ThrowIfNull(pixels);
        if (pixels.Length != checked(width * height * 3))
        {
            throw new ArgumentException($"Expected {width * height * 3} bytes for {width}x{height} RGB, got {pixels.Length}.", nameof(pixels));
        }

        Width = width;
        Height = height;
        Pixels = pixels;
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>R, G, B bytes per pixel; length = Width * Height * 3.</summary>
    public byte[] Pixels { get; }
}
