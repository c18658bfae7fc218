namespace FaceGrains.Grains.Interfaces;

/// <summary>The answer to a verification.</summary>
/// <param name="Match">Whether the score reached the threshold; null when no score could be computed.</param>
/// <param name="Score">Cosine similarity of the two embeddings (probe vs image, or probe vs identity centroid).</param>
/// <param name="Threshold">The 1:1 threshold used and why.</param>
/// <param name="ProbeRejection">Why the probe image could not be used.</param>
/// <param name="OtherRejection">Why the second image could not be used.</param>
/// <param name="IdentityFound">For identity verification: false when the identity is unknown or has no centroid for the model version.</param>
/// <param name="ProbeFace">The face of the probe image that was compared: its largest.</param>
/// <param name="OtherFace">The face of the second image that was compared: its largest (null against an identity).</param>
/// <param name="ProbeOtherFaces">How many more faces the probe image holds (not compared).</param>
/// <param name="OtherOtherFaces">How many more faces the second image holds (not compared).</param>
[GenerateSerializer, Immutable, Alias("facegrains.verification-answer")]
public sealed record VerificationAnswer(
    [property: Id(0)] bool? Match,
    [property: Id(1)] float? Score,
    [property: Id(2)] AppliedThreshold Threshold,
    [property: Id(3)] string ModelVersion,
    [property: Id(4)] ProbeRejection? ProbeRejection = null,
    [property: Id(5)] ProbeRejection? OtherRejection = null,
    [property: Id(6)] bool? IdentityFound = null,
    [property: Id(7)] FaceLocation? ProbeFace = null,
    [property: Id(8)] FaceLocation? OtherFace = null,
    [property: Id(9)] int ProbeOtherFaces = 0,
    [property: Id(10)] int OtherOtherFaces = 0);
