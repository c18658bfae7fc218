using FaceGrains.Grains.Interfaces;

namespace FaceGrains.Grains;

[GenerateSerializer, Alias("facegrains.model-registry-state")]
public sealed class ModelRegistryState
{
    [Id(0)] public List<ModelVersionInfo> Versions { get; set; } = [];

    [Id(1)] public string ActiveVersion { get; set; } = "";

    [Id(2)] public DateTimeOffset? ActivatedUtc { get; set; }
}
