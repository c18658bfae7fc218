namespace FaceGrains.Recognition.Preprocessing;

/// <summary>
/// A <see cref="CropPolicy"/> placed on one image: a square in pixel coordinates where pixel (i, j) covers
/// [i, i+1) × [j, j+1). It may reach past the image edges; what lies outside counts as black.
/// </summary>
public readonly record struct CropSquare(double Left, double Top, double Side)
{
    public double Right => Left + Side;

    public double Bottom => Top + Side;

    /// <summary>
    /// The square of side <c>policy.Side × min(width, height)</c> centred at <c>(CenterX × width, CenterY × height)</c>,
    /// or for a fit policy the whole image padded to its longer side.
    /// </summary>
    public static CropSquare Of(int width, int height, CropPolicy policy)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentNullException.ThrowIfNull(policy);
        policy.Validate();

        if (policy.Fit)
        {
            // The whole image, padded with black to a square; as face-api.js does, the odd pixel of padding goes after.
            var longer = Math.Max(width, height);
            var before = (longer - width) - (int)Math.Round((longer - width) * 0.5, MidpointRounding.AwayFromZero);
            var above = (longer - height) - (int)Math.Round((longer - height) * 0.5, MidpointRounding.AwayFromZero);
            return new CropSquare(-before, -above, longer);
        }

        var side = policy.Side * Math.Min(width, height);
        return new CropSquare((policy.CenterX * width) - (side / 2), (policy.CenterY * height) - (side / 2), side);
    }
}
