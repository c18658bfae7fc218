namespace FaceGrains.Grains.Interfaces;

/// <summary>
/// Embedding-in enrolment for trusted callers and benchmarks: faces arrive as vectors of the active model version,
/// no image is stored, and face ids are the caller's (not content hashes, so no cross-identity conflict check).
/// </summary>
/// <param name="ModelVersion">The version the vectors come from; empty means the active version. Any other is refused.</param>
[GenerateSerializer, Immutable, Alias("facegrains.embedding-enroll-request")]
public sealed record EmbeddingEnrollRequest(
    [property: Id(0)] IReadOnlyList<FaceVector> Faces,
    [property: Id(1)] string ModelVersion = "",
    [property: Id(2)] string? DisplayName = null,
    [property: Id(3)] IReadOnlyDictionary<string, string>? Metadata = null);
