namespace FaceGrains.Recognition.Detection;

/// <summary>An axis-aligned face box in image pixels (x right, y down).</summary>
public readonly record struct FaceBox(double X, double Y, double Width, double Height)
{
    public double Right => X + Width;

    public double Bottom => Y + Height;

    public double Area => Math.Max(0, Width) * Math.Max(0, Height);

    /// <summary>The shorter side: what "face size" means in settings and quality reports.</summary>
    public double Size => Math.Min(Width, Height);

    public double CenterX => X + (Width / 2);

    public double CenterY => Y + (Height / 2);

    public bool Contains(double x, double y) => x >= X && x <= Right && y >= Y && y <= Bottom;

    /// <summary>Intersection over union; 0 when either box is empty.</summary>
    public static double IntersectionOverUnion(FaceBox a, FaceBox b)
    {
        if (a.Area <= 0 || b.Area <= 0)
        {
            return 0;
        }

        var w = Math.Max(0, Math.Min(a.Right, b.Right) - Math.Max(a.X, b.X));
        var h = Math.Max(0, Math.Min(a.Bottom, b.Bottom) - Math.Max(a.Y, b.Y));
        var intersection = w * h;
        return intersection / (a.Area + b.Area - intersection);
    }
}
