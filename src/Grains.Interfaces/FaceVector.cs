namespace FaceGrains.Grains.Interfaces;

/// <summary>
/// A face given as an embedding (trusted callers and benchmarks): the caller names the face and supplies the
/// model's output for it. It is L2-normalised on arrival.
/// </summary>
[GenerateSerializer, Immutable, Alias("facegrains.face-vector")]
public sealed record FaceVector(
    [property: Id(0)] string FaceId,
    [property: Id(1), Immutable] float[] Embedding);
