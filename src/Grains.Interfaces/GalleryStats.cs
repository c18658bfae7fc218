namespace FaceGrains.Grains.Interfaces;

/// <summary>The gallery of the active model version, shard by shard.</summary>
[GenerateSerializer, Immutable, Alias("facegrains.gallery-stats")]
public sealed record GalleryStats(
    [property: Id(0)] string ModelVersion,
    [property: Id(1)] int IdentityCount,
    [property: Id(2)] int Rows,
    [property: Id(3)] IReadOnlyList<ShardStats> Shards,
    [property: Id(4)] AppliedThreshold DefaultThreshold);
