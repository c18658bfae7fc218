namespace FaceGrains.Grains.Interfaces;

/// <summary>Verification (1:1): a probe image against either a second image or an enrolled identity's centroid.</summary>
/// <param name="Other">The second image; null when <see cref="IdentityId"/> is given.</param>
/// <param name="IdentityId">The identity to compare with; null when <see cref="Other"/> is given.</param>
/// <param name="Threshold">Operating point: a target pair FMR (<see cref="ThresholdRequest.TargetFmr"/>) or a raw threshold.</param>
/// <param name="Aligned">The images are aligned face chips already: no detection.</param>
[GenerateSerializer, Immutable, Alias("facegrains.verify-request")]
public sealed record VerifyRequest(
    [property: Id(0)] FaceImage Probe,
    [property: Id(1)] FaceImage? Other = null,
    [property: Id(2)] string? IdentityId = null,
    [property: Id(3)] ThresholdRequest? Threshold = null,
    [property: Id(4)] bool Aligned = false);
