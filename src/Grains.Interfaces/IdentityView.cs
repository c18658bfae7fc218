namespace FaceGrains.Grains.Interfaces;

/// <summary>An identity as shown to callers.</summary>
/// <param name="ModelVersions">Model versions the identity has a centroid for (it is searchable under these).</param>
[GenerateSerializer, Immutable, Alias("facegrains.identity-view")]
public sealed record IdentityView(
    [property: Id(0)] string Id,
    [property: Id(1)] string DisplayName,
    [property: Id(2)] IReadOnlyDictionary<string, string> Metadata,
    [property: Id(3)] IReadOnlyList<FaceView> Faces,
    [property: Id(4)] IReadOnlyList<string> ModelVersions,
    [property: Id(5)] DateTimeOffset CreatedUtc,
    [property: Id(6)] DateTimeOffset UpdatedUtc);
