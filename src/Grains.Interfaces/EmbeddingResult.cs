namespace FaceGrains.Grains.Interfaces;

/// <summary>The embedder's answer for a list of images.</summary>
[GenerateSerializer, Immutable, Alias("facegrains.embedding-result")]
public sealed record EmbeddingResult(
    [property: Id(0)] string ModelVersion,
    [property: Id(1)] int Dimension,
    [property: Id(2)] IReadOnlyList<EmbeddedFace> Faces);
