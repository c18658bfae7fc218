namespace FaceGrains.Grains.Interfaces;

/// <summary>One shard's top-k per probe, and how many identities it holds (the matcher sums these into N).</summary>
[GenerateSerializer, Immutable, Alias("facegrains.shard-search-result")]
public sealed record ShardSearchResult(
    [property: Id(0)] IReadOnlyList<IReadOnlyList<Candidate>> Candidates,
    [property: Id(1)] int IdentityCount);
