namespace FaceGrains.Recognition.Evaluation;

/// <summary>One entry of a 1:N search's candidate list.</summary>
public sealed record IdentificationCandidate(string IdentityId, double Score);
