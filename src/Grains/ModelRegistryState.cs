using FaceGrains.Grains.Interfaces;

namespace FaceGrains.Grains;

/// <summary>Durable state of the model registry: the versions, the slots, the last migration and the gates kept with each candidate.</summary>
[GenerateSerializer, Alias("facegrains.model-registry-state")]
public sealed class ModelRegistryState
{
    [Id(0)] public List<ModelVersionInfo> Versions { get; set; } = [];

    [Id(1)] public string ActiveVersion { get; set; } = "";

    [Id(2)] public DateTimeOffset? ActivatedUtc { get; set; }

    [Id(3)] public string? CandidateVersion { get; set; }

    [Id(4)] public string? PreviousVersion { get; set; }

    [Id(5)] public List<string> RetiredVersions { get; set; } = [];

    [Id(6)] public MigrationStatus? Migration { get; set; }

    [Id(7)] public long Generation { get; set; }

    [Id(8)] public Dictionary<string, GateResult> Gates { get; set; } = [];
}
