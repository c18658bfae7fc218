namespace FaceGrains.Grains.Interfaces;

/// <summary>The model versions known to the cluster and the active one.</summary>
[GenerateSerializer, Immutable, Alias("facegrains.model-registry-view")]
public sealed record ModelRegistryView(
    [property: Id(0)] IReadOnlyList<ModelVersionInfo> Versions,
    [property: Id(1)] string ActiveVersion,
    [property: Id(2)] DateTimeOffset? ActivatedUtc);
