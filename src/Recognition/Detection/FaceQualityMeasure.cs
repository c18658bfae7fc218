using FaceGrains.Recognition.Images;

namespace FaceGrains.Recognition.Detection;

/// <summary>Blur and pose measures behind <see cref="FaceQuality"/>.</summary>
public static class FaceQualityMeasure
{
    /// <summary>
    /// Depth of the nose tip in front of the eye plane, in inter-ocular distances (about 0.6 on an average adult
    /// face): a yaw of θ moves the tip sideways by depth·sin θ relative to the eyes' midpoint.
    /// </summary>
    private const double NoseDepth = 0.6;

    /// <summary>On a frontal face the nose tip lies this fraction of the way from the eye line to the mouth line (dlib's mean face).</summary>
    private const double FrontalNoseRatio = 0.531;

    public static FaceQuality Measure(DetectedFace face, ReadOnlySpan<FacePoint> fivePoints, RgbImage alignedChip) =>
        new(face.Box.Size, face.Score, LaplacianVariance(alignedChip), Roll(fivePoints), Yaw(fivePoints), Pitch(fivePoints));

    /// <summary>A face chip the caller declared aligned: its size and the sharpness of what the model is shown; no detector, no pose.</summary>
    public static FaceQuality MeasureChip(RgbImage image, RgbImage modelView) =>
        new(Math.Min(image.Width, image.Height), null, LaplacianVariance(modelView), null, null, null);

    /// <summary>Variance of the 4-neighbour Laplacian over the grey image (interior pixels).</summary>
    public static double LaplacianVariance(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        int w = image.Width, h = image.Height;
        if (w < 3 || h < 3)
        {
            return 0;
        }

        var grey = new double[w * h];
        for (var i = 0; i < grey.Length; i++)
        {
            grey[i] = (0.299 * image.Pixels[3 * i]) + (0.587 * image.Pixels[(3 * i) + 1]) + (0.114 * image.Pixels[(3 * i) + 2]);
        }

        double sum = 0, sumSq = 0;
        var n = 0;
        for (var y = 1; y < h - 1; y++)
        {
            for (var x = 1; x < w - 1; x++)
            {
                var i = (y * w) + x;
                var lap = grey[i - 1] + grey[i + 1] + grey[i - w] + grey[i + w] - (4 * grey[i]);
                sum += lap;
                sumSq += lap * lap;
                n++;
            }
        }

        var mean = sum / n;
        return (sumSq / n) - (mean * mean);
    }

    /// <summary>Angle of the line from the image-left eye to the other, in degrees (positive: clockwise on screen).</summary>
    public static double Roll(ReadOnlySpan<FacePoint> p) => Math.Atan2(p[1].Y - p[0].Y, p[1].X - p[0].X) * 180 / Math.PI;

    /// <summary>Rough yaw: the nose tip's sideways offset from the eyes' midpoint, in the roll-corrected frame.</summary>
    public static double Yaw(ReadOnlySpan<FacePoint> p)
    {
        var (along, _, eyeDistance) = NoseInEyeFrame(p);
        return Math.Asin(Math.Clamp(along / (NoseDepth * eyeDistance), -1, 1)) * 180 / Math.PI;
    }

    /// <summary>Rough pitch: where the nose tip falls between the eye line and the mouth line, against a frontal face.</summary>
    public static double Pitch(ReadOnlySpan<FacePoint> p)
    {
        var (_, down, eyeDistance) = NoseInEyeFrame(p);
        var mouth = new FacePoint((p[3].X + p[4].X) / 2, (p[3].Y + p[4].Y) / 2);
        var eyes = new FacePoint((p[0].X + p[1].X) / 2, (p[0].Y + p[1].Y) / 2);
        var eyeToMouth = eyes.DistanceTo(mouth);
        if (eyeToMouth < 1e-9)
        {
            return 0;
        }

        var offset = (down / eyeToMouth) - FrontalNoseRatio;
        return Math.Asin(Math.Clamp(offset * eyeToMouth / (NoseDepth * eyeDistance), -1, 1)) * 180 / Math.PI;
    }

    private static (double Along, double Down, double EyeDistance) NoseInEyeFrame(ReadOnlySpan<FacePoint> p)
    {
        var ex = p[1].X - p[0].X;
        var ey = p[1].Y - p[0].Y;
        var d = Math.Sqrt((ex * ex) + (ey * ey));
        if (d < 1e-9)
        {
            return (0, 0, 1);
        }

        var mx = (p[0].X + p[1].X) / 2;
        var my = (p[0].Y + p[1].Y) / 2;
        var nx = p[2].X - mx;
        var ny = p[2].Y - my;
        return (((nx * ex) + (ny * ey)) / d, ((ny * ex) - (nx * ey)) / d, d);
    }
}
