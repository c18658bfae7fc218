namespace FaceGrains.Grains.Interfaces;

/// <summary>What one shard holds and where it runs.</summary>
/// <param name="Rows">Rows in its matrix (identities, or faces when every face embedding is kept).</param>
/// <param name="Silo">Address of the silo the shard is activated on.</param>
[GenerateSerializer, Immutable, Alias("facegrains.shard-stats")]
public sealed record ShardStats(
    [property: Id(0)] string ModelVersion,
    [property: Id(1)] int Shard,
    [property: Id(2)] int IdentityCount,
    [property: Id(3)] int Rows,
    [property: Id(4)] int Dimension,
    [property: Id(5)] string Silo);
