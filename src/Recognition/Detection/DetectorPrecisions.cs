namespace FaceGrains.Recognition.Detection;

/// <summary>The names settings spell <see cref="DetectorPrecision"/> with (<c>float32</c>, <c>int8</c>).</summary>
public static class DetectorPrecisions
{
    /// <summary>Indexed by <see cref="DetectorPrecision"/>, as <see cref="Similarity.ShardPrecisions.Names"/> is by its enum.</summary>
    public static readonly string[] Names = ["float32", "int8"];

    /// <summary>One of <see cref="Names"/>, exactly (what the silo's settings and the CLI accept).</summary>
    public static DetectorPrecision Parse(string name) => Array.IndexOf(Names, name) is var i and >= 0
        ? (DetectorPrecision)i
        : throw new ArgumentException($"Detector precision '{name}' is not one of: {string.Join(", ", Names)}.", nameof(name));

    public static string Name(DetectorPrecision precision) => Names[(int)precision];
}
