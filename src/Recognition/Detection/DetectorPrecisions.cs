namespace FaceGrains.Recognition.Detection;

/// <summary>The names settings spell <see cref="DetectorPrecision"/> with (<c>float32</c>, <c>int8</c>).</summary>
public static class DetectorPrecisions
{
    public static IReadOnlyList<string> Names { get; } = ["float32", "int8"];

    public static bool TryParse(string? name, out DetectorPrecision precision)
    {
        switch (name)
        {
            case "float32":
                precision = DetectorPrecision.Float32;
                return true;
            case "int8":
                precision = DetectorPrecision.Int8;
                return true;
            default:
                precision = default;
                return false;
        }
    }

    public static DetectorPrecision Parse(string name) =>
        TryParse(name, out var precision) ? precision : throw new ArgumentException($"Detector precision '{name}' must be one of: {string.Join(", ", Names)}.", nameof(name));

    public static string Name(DetectorPrecision precision) => Names[(int)precision];
}
