namespace FaceGrains.Grains.Interfaces;

/// <summary>Every model version the cluster can serve (its model store and its registry) and where each stands.</summary>
[GenerateSerializer, Immutable, Alias("facegrains.models-overview")]
public sealed record ModelsOverview(
    [property: Id(0)] IReadOnlyList<ModelEntry> Versions,
    [property: Id(1)] string ActiveVersion,
    [property: Id(2)] string? CandidateVersion,
    [property: Id(3)] string? PreviousVersion,
    [property: Id(4)] MigrationStatus? Migration,
    [property: Id(5)] long Generation);

/// <summary>One model version: what it is, its state in the cluster, and the gate it last went through.</summary>
[GenerateSerializer, Immutable, Alias("facegrains.model-entry")]
public sealed record ModelEntry(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] int EmbeddingSize,
    [property: Id(3)] string Recipe,
    [property: Id(4)] bool Calibrated,
    [property: Id(5)] DateTimeOffset CreatedUtc,
    [property: Id(6)] ModelVersionState State,
    [property: Id(7)] GateResult? Gate);
