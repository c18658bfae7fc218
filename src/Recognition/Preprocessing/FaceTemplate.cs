using System.Text.Json.Serialization;

namespace FaceGrains.Recognition.Preprocessing;

/// <summary>
/// Where a model wants the five alignment points in its input: eye centres (image-left first), nose tip, mouth
/// corners (image-left first), in pixel-index coordinates of a <see cref="Width"/>×<see cref="Height"/> chip.
/// </summary>
public sealed record FaceTemplate
{
    public const int PointCount = 5;

    [JsonPropertyName("width")]
    public int Width { get; init; }

    [JsonPropertyName("height")]
    public int Height { get; init; }

    /// <summary>Five [x, y] pairs.</summary>
    [JsonPropertyName("points")]
    public double[][] Points { get; init; } = [];

    /// <summary>
    /// dlib's face chip as its face recognition ResNet was trained on: <c>get_face_chip_details(shape, 150, 0.25)</c>
    /// maps dlib's mean face shape (68-point markup, unit square) into a 150×150 chip with 0.25 of padding on each
    /// side: chip = (0.25 + m) / 1.5 × 150. The five points here are the means of that shape's eye points (36–41,
    /// 42–47), its nose tip (30) and mouth corners (48, 54).
    /// </summary>
    public static FaceTemplate DlibChip150 { get; } = DlibChip(150, 0.25);

    /// <summary>The 112×112 five-point template InsightFace's ArcFace models are trained on.</summary>
    public static FaceTemplate ArcFace112 { get; } = new()
    {
        Width = 112,
        Height = 112,
        Points =
        [
            [38.2946, 51.6963],
            [73.5318, 51.5014],
            [56.0252, 71.7366],
            [41.5493, 92.3655],
            [70.7299, 92.2041],
        ],
    };

    /// <summary>dlib's chip of <paramref name="size"/> pixels with <paramref name="padding"/> (fraction of the face width per side).</summary>
    public static FaceTemplate DlibChip(int size, double padding)
    {
        // dlib's mean face shape (points 17–67 of the 68, unit square): the values the five points need.
        double[] leftEyeX = [0.121737, 0.187122, 0.265825, 0.334606, 0.260918, 0.182743];
        double[] leftEyeY = [0.216423, 0.178758, 0.179852, 0.231733, 0.245099, 0.244077];
        double[] rightEyeX = [0.645647, 0.714428, 0.793132, 0.858516, 0.79751, 0.719335];
        double[] rightEyeY = [0.231733, 0.179852, 0.178758, 0.216423, 0.244077, 0.245099];
        (double X, double Y)[] unit =
        [
            (leftEyeX.Average(), leftEyeY.Average()),
            (rightEyeX.Average(), rightEyeY.Average()),
            (0.490127, 0.515625), // nose tip, point 30
            (0.254149, 0.780233), // mouth corner, point 48
            (0.726104, 0.780233), // mouth corner, point 54
        ];
        double Chip(double m) => (padding + m) / ((2 * padding) + 1) * size;
        return new FaceTemplate
        {
            Width = size,
            Height = size,
            Points = unit.Select(p => new[] { Chip(p.X), Chip(p.Y) }).ToArray(),
        };
    }

    /// <summary>The same framing in a <paramref name="size"/>×<paramref name="size"/> chip (every coordinate × size / width).</summary>
    public FaceTemplate Scaled(int size)
    {
        if (Width != Height)
        {
            throw new InvalidOperationException($"only a square template can be scaled to a square chip (this one is {Width}x{Height})");
        }

        var f = size / (double)Width;
        return this with { Width = size, Height = size, Points = Points.Select(p => new[] { p[0] * f, p[1] * f }).ToArray() };
    }

    public void Validate()
    {
        if (Width <= 0 || Height <= 0)
        {
            throw new InvalidDataException($"Face template size {Width}x{Height} must be positive.");
        }

        if (Points is not { Length: PointCount } || Points.Any(p => p is not { Length: 2 } || !double.IsFinite(p[0]) || !double.IsFinite(p[1])))
        {
            throw new InvalidDataException($"Face template needs {PointCount} finite [x, y] points.");
        }
    }
}
