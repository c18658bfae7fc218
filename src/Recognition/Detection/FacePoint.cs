namespace FaceGrains.Recognition.Detection;

/// <summary>A point in image pixel-index coordinates (x right, y down; pixel i's centre at i, as dlib and face-api.js measure).</summary>
public readonly record struct FacePoint(double X, double Y)
{
    public static FacePoint Mean(ReadOnlySpan<FacePoint> points)
    {
        double x = 0, y = 0;
        foreach (var p in points)
        {
            x += p.X;
            y += p.Y;
        }

        return new FacePoint(x / points.Length, y / points.Length);
    }

    public double DistanceTo(FacePoint other) => Math.Sqrt(((X - other.X) * (X - other.X)) + ((Y - other.Y) * (Y - other.Y)));
}
