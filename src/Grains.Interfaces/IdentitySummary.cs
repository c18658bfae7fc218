namespace FaceGrains.Grains.Interfaces;

/// <summary>One line of a gallery listing.</summary>
[GenerateSerializer, Immutable, Alias("facegrains.identity-summary")]
public sealed record IdentitySummary(
    [property: Id(0)] string Id,
    [property: Id(1)] string DisplayName,
    [property: Id(2)] int FaceCount,
    [property: Id(3)] DateTimeOffset UpdatedUtc);
