namespace FaceGrains.Grains.Interfaces;

/// <summary>One uploaded image, as the caller sent it. The face id is the sha256 of <see cref="Bytes"/>.</summary>
/// <param name="Bytes">The encoded image (JPEG, PNG, GIF, BMP, WebP, PGM/PPM).</param>
/// <param name="FileName">The caller's name for it (for answers and listings only; may be null).</param>
[GenerateSerializer, Immutable, Alias("facegrains.face-image")]
public sealed record FaceImage(
    [property: Id(0), Immutable] byte[] Bytes,
    [property: Id(1)] string? FileName = null);
