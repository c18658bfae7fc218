namespace FaceGrains.Recognition.Detection;

/// <summary>
/// The 68 points of the iBUG 300-W markup (jaw 0–16, brows 17–26, nose 27–35, eyes 36–47, mouth 48–67) in image
/// pixels, and the five alignment points derived from them.
/// </summary>
public sealed class FaceLandmarks
{
    public const int Count = 68;

    public FaceLandmarks(FacePoint[] points)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.Length != Count)
        {
            throw new ArgumentException($"Expected {Count} landmarks, got {points.Length}.", nameof(points));
        }

        Points = points;
    }

    public IReadOnlyList<FacePoint> Points { get; }

    /// <summary>
    /// Eye centres (image-left eye first: mean of points 36–41, then 42–47), nose tip (30), mouth corners (48, 54):
    /// the order of <see cref="Preprocessing.FaceTemplate"/> points.
    /// </summary>
    public FacePoint[] FivePoints()
    {
        var p = (FacePoint[])Points;
        return
        [
            FacePoint.Mean(p.AsSpan(36, 6)),
            FacePoint.Mean(p.AsSpan(42, 6)),
            p[30],
            p[48],
            p[54],
        ];
    }
}
