namespace FaceGrains.Recognition.Preprocessing;

/// <summary>
/// A <see cref="CropPolicy"/> placed on one image: a square in pixel coordinates where pixel (i, j) covers
/// [i, i+1) × [j, j+1). It may reach past the image edges; what lies outside counts as black.
/// </summary>
public readonly record struct CropSquare(double Left, double Top, double Side)
{
    public double Right => Left + Side;

    public double Bottom => Top + Side;

    /// <summary>The square of side <c>policy.Side × min(width, height)</c> centred at <c>(CenterX × width, CenterY × height)</c>.</summary>
    public static CropSquare Of(int width, int height, CropPolicy policy)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentNullException.ThrowIfNull(policy);
        policy.Validate();

        var side = policy.Side * Math.Min(width, height);
        return new CropSquare((policy.CenterX * width) - (side / 2), (policy.CenterY * height) - (side / 2), side);
    }
}
