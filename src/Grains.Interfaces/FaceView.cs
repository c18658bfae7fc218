namespace FaceGrains.Grains.Interfaces;

/// <summary>One enrolled face as shown to callers (no pixels, no vectors).</summary>
/// <param name="FaceId">sha256 of the image bytes, or the caller's id for an embedding-in face.</param>
/// <param name="HasImage">Whether the image is kept in the face store (false for embedding-in faces).</param>
/// <param name="ModelVersions">Model versions this face has an embedding for.</param>
/// <param name="Aligned">Enrolled as a declared face chip (aligned=true: no detection); it is prepared so again.</param>
[GenerateSerializer, Immutable, Alias("facegrains.face-view")]
public sealed record FaceView(
    [property: Id(0)] string FaceId,
    [property: Id(1)] string? FileName,
    [property: Id(2)] long SizeBytes,
    [property: Id(3)] int Width,
    [property: Id(4)] int Height,
    [property: Id(5)] bool HasImage,
    [property: Id(6)] DateTimeOffset EnrolledUtc,
    [property: Id(7)] IReadOnlyList<string> ModelVersions,
    [property: Id(8)] bool Aligned = false);
