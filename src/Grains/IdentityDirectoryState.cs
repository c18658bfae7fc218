using FaceGrains.Grains.Interfaces;

namespace FaceGrains.Grains;

[GenerateSerializer, Alias("facegrains.identity-directory-state")]
public sealed class IdentityDirectoryState
{
    [Id(0)] public Dictionary<string, IdentitySummary> Identities { get; set; } = [];
}
