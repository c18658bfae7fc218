namespace FaceGrains.Grains.Interfaces;

/// <summary>One enrolled face as stored: its image bytes as they were enrolled (null when only an embedding was enrolled).</summary>
/// <param name="Aligned">Enrolled as a declared face chip (no detection).</param>
[GenerateSerializer, Immutable, Alias("facegrains.stored-face")]
public sealed record StoredFace(
    [property: Id(0)] string FaceId,
    [property: Id(1)] string? FileName,
    [property: Id(2)] bool Aligned,
    [property: Id(3), Immutable] byte[]? Image);
