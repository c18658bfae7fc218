namespace FaceGrains.Grains.Interfaces;

/// <summary>Verification (1:1): a probe image against either a second image or an enrolled identity's centroid.</summary>
/// <param name="Other">The second image; null when <see cref="IdentityId"/> is given.</param>
/// <param name="IdentityId">The identity to compare with; null when <see cref="Other"/> is given.</param>
/// <param name="Threshold">Operating point: TargetFpir is read as a target pair FMR here (N = 1); raw threshold as given.</param>
[GenerateSerializer, Immutable, Alias("facegrains.verify-request")]
public sealed record VerifyRequest(
    [property: Id(0)] FaceImage Probe,
    [property: Id(1)] FaceImage? Other = null,
    [property: Id(2)] string? IdentityId = null,
    [property: Id(3)] ThresholdRequest? Threshold = null);
