namespace FaceGrains.Recognition.Evaluation;

/// <summary>A search whose probe's identity is enrolled in the gallery.</summary>
/// <param name="MatedIdentityId">The enrolled identity the probe belongs to.</param>
/// <param name="Candidates">The search's answer, best first (score descending).</param>
public sealed record MatedSearch(string MatedIdentityId, IReadOnlyList<IdentificationCandidate> Candidates);
