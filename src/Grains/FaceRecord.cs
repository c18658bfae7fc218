using FaceGrains.Grains.Interfaces;

namespace FaceGrains.Grains;

/// <summary>One enrolled face in identity state.</summary>
[GenerateSerializer, Alias("facegrains.face-record")]
public sealed class FaceRecord
{
    /// <summary>sha256 of the image bytes, or the caller's id for an embedding-in face.</summary>
    [Id(0)] public string FaceId { get; set; } = "";

    /// <summary>Reference in the face image store; null for embedding-in faces (no image kept).</summary>
    [Id(1)] public string? ImageReference { get; set; }

    [Id(2)] public string? FileName { get; set; }

    [Id(3)] public long SizeBytes { get; set; }

    [Id(4)] public int Width { get; set; }

    [Id(5)] public int Height { get; set; }

    [Id(6)] public DateTimeOffset EnrolledUtc { get; set; }

    /// <summary>Model version → L2-normalised embedding.</summary>
    [Id(7)] public Dictionary<string, float[]> Embeddings { get; set; } = [];

    /// <summary>Where the enrolled face is in its image (box, five points, quality) under the version it was enrolled with.</summary>
    [Id(8)] public FaceLocation? Location { get; set; }

    /// <summary>The caller declared the image an aligned face chip (enrolled without detection): re-embedding does the same.</summary>
    [Id(9)] public bool Aligned { get; set; }
}
