namespace FaceGrains.Grains.Interfaces;

/// <summary>
/// The gate before a flip: the candidate against the active version on the gallery itself (every identity with at
/// least two faces: each face identified, held out, against the other faces' centroid and every other identity's;
/// rank-1 and FNIR at the target FPIR with each version's own threshold), and optionally on a labelled folder.
/// Kept with the candidate version.
/// </summary>
/// <param name="Passed">Whether the flip may go ahead (or was forced).</param>
/// <param name="Reason">Why, in one sentence.</param>
/// <param name="Searches">Held-out faces identified on the gallery (0 when no identity has two faces).</param>
[GenerateSerializer, Immutable, Alias("facegrains.gate-result")]
public sealed record GateResult(
    [property: Id(0)] bool Passed,
    [property: Id(1)] bool Forced,
    [property: Id(2)] string Reason,
    [property: Id(3)] int Searches,
    [property: Id(4)] GateFigures Active,
    [property: Id(5)] GateFigures Candidate,
    [property: Id(6)] GateFigures? FolderActive,
    [property: Id(7)] GateFigures? FolderCandidate,
    [property: Id(8)] DateTimeOffset MeasuredUtc);

/// <summary>One version's figures in a gate (rank-1 and FNIR null when there was nothing to search with).</summary>
/// <param name="Threshold">The threshold its calibration gives at the target FPIR for the gallery's size.</param>
/// <param name="ThresholdSource">Where that threshold came from (gallery, shipped, …).</param>
[GenerateSerializer, Immutable, Alias("facegrains.gate-figures")]
public sealed record GateFigures(
    [property: Id(0)] string ModelVersion,
    [property: Id(1)] double? Rank1,
    [property: Id(2)] double? FnirAtTarget,
    [property: Id(3)] double Threshold,
    [property: Id(4)] ThresholdSource ThresholdSource);
