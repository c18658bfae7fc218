namespace FaceGrains.Recognition.Detection;

/// <summary>
/// x' = a·x − b·y + tx, y' = b·x + a·y + ty: rotation, uniform scale and translation (no reflection, no shear).
/// </summary>
public readonly record struct SimilarityTransform(double A, double B, double Tx, double Ty)
{
    public static SimilarityTransform Identity => new(1, 0, 0, 0);

    public double Scale => Math.Sqrt((A * A) + (B * B));

    /// <summary>Rotation in degrees, counter-clockwise in x-right/y-down pixel terms is negative.</summary>
    public double RotationDegrees => Math.Atan2(B, A) * 180 / Math.PI;

    public FacePoint Apply(FacePoint p) => new((A * p.X) - (B * p.Y) + Tx, (B * p.X) + (A * p.Y) + Ty);

    public SimilarityTransform Inverse()
    {
        var d = (A * A) + (B * B);
        if (d == 0)
        {
            throw new InvalidOperationException("A transform with zero scale has no inverse.");
        }

        var ia = A / d;
        var ib = -B / d;
        return new SimilarityTransform(ia, ib, -((ia * Tx) - (ib * Ty)), -((ib * Tx) + (ia * Ty)));
    }

    /// <summary>
    /// The similarity that maps <paramref name="from"/> onto <paramref name="to"/> with the least summed squared
    /// distance. With centred points p, q: a = Σ(p·q) / Σ|p|², b = Σ(p × q) / Σ|p|², then the translation
    /// carries the centroid of <paramref name="from"/> onto that of <paramref name="to"/>.
    /// </summary>
    public static SimilarityTransform Estimate(ReadOnlySpan<FacePoint> from, ReadOnlySpan<FacePoint> to)
    {
        if (from.Length != to.Length || from.Length < 2)
        {
            throw new ArgumentException($"Need the same number (≥ 2) of source and target points; got {from.Length} and {to.Length}.");
        }

        var fromMean = FacePoint.Mean(from);
        var toMean = FacePoint.Mean(to);
        double dot = 0, cross = 0, norm = 0;
        for (var i = 0; i < from.Length; i++)
        {
            var px = from[i].X - fromMean.X;
            var py = from[i].Y - fromMean.Y;
            var qx = to[i].X - toMean.X;
            var qy = to[i].Y - toMean.Y;
            dot += (px * qx) + (py * qy);
            cross += (px * qy) - (py * qx);
            norm += (px * px) + (py * py);
        }

        if (norm < 1e-12)
        {
            throw new ArgumentException("Source points all coincide: no transform is defined.", nameof(from));
        }

        var a = dot / norm;
        var b = cross / norm;
        return new SimilarityTransform(a, b, toMean.X - ((a * fromMean.X) - (b * fromMean.Y)), toMean.Y - ((b * fromMean.X) + (a * fromMean.Y)));
    }
}
