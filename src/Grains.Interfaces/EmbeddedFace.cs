namespace FaceGrains.Grains.Interfaces;

/// <summary>The embedder's answer for one image: the L2-normalised embedding, or why there is none.</summary>
/// <param name="FaceId">sha256 (hex) of the image bytes.</param>
/// <param name="Embedding">L2-normalised embedding; null when rejected.</param>
[GenerateSerializer, Immutable, Alias("facegrains.embedded-face")]
public sealed record EmbeddedFace(
    [property: Id(0)] string FaceId,
    [property: Id(1), Immutable] float[]? Embedding,
    [property: Id(2)] int Width,
    [property: Id(3)] int Height,
    [property: Id(4)] ProbeRejection? Rejection = null);
