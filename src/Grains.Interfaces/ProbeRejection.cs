namespace FaceGrains.Grains.Interfaces;

/// <summary>Why an image (probe or enrolment image) could not be embedded.</summary>
[GenerateSerializer, Immutable, Alias("facegrains.probe-rejection")]
public sealed record ProbeRejection(
    [property: Id(0)] FaceStatus Status,
    [property: Id(1)] string Message);
