namespace FaceGrains.Grains.Interfaces;

/// <summary>One gallery identity and its cosine similarity to a probe.</summary>
[GenerateSerializer, Immutable, Alias("facegrains.candidate")]
public sealed record Candidate(
    [property: Id(0)] string IdentityId,
    [property: Id(1)] float Score);
