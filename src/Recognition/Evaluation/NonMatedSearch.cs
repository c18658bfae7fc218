namespace FaceGrains.Recognition.Evaluation;

/// <summary>A search whose probe's identity is not enrolled: any candidate it returns at or above threshold is a false positive.</summary>
/// <param name="Candidates">The search's answer, best first (score descending); may be empty.</param>
public sealed record NonMatedSearch(IReadOnlyList<IdentificationCandidate> Candidates);
