namespace FaceGrains.Grains.Interfaces;

/// <summary>The embedder's answer for a list of images, one <see cref="EmbeddedPhoto"/> per image in order, with the model version that made it.</summary>
[GenerateSerializer, Immutable, Alias("facegrains.embedding-result")]
public sealed record EmbeddingResult(
    [property: Id(0)] string ModelVersion,
    [property: Id(1)] int Dimension,
    [property: Id(2)] IReadOnlyList<EmbeddedPhoto> Photos);
