namespace FaceGrains.Recognition.Images;

/// <summary>Width and height as an image header states them, before any pixel is decoded.</summary>
internal readonly record struct ImageDimensions(long Width, long Height)
{
    public long Pixels => Width * Height;

    /// <summary>Refuses sizes that are zero or above the limit, naming the numbers.</summary>
    public void EnsureWithin(ImageLimits limits, string format)
    {
        if (Width == 0 || Height == 0)
        {
            throw new ImageRejectedException(
                ImageRejectionReason.ZeroSized,
                $"ZeroSized: the {format} header says {Width}x{Height}; width and height must be at least 1.");
        }

        if (Pixels > limits.MaxPixels)
        {
            throw new ImageRejectedException(
                ImageRejectionReason.TooManyPixels,
                $"TooManyPixels: the {format} header says {Width}x{Height} = {Pixels} pixels, more than the limit of {limits.MaxPixels}.");
        }
    }
}
