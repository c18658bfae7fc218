namespace FaceGrains.Grains.Interfaces;

/// <summary>The threshold an answer was decided with, and why.</summary>
/// <param name="Threshold">Cosine similarity at or above which the best candidate is accepted.</param>
/// <param name="Source">Calibrated, requested by the caller, or the manifest fallback.</param>
/// <param name="TargetFpir">The target FPIR (identify) or FMR (verify) aimed at, when one was.</param>
/// <param name="GallerySize">Identities in the gallery when the threshold was chosen (N; 1 for verification).</param>
/// <param name="PairFmr">The per-comparison false-match rate the threshold corresponds to (from the impostor tail), when known.</param>
/// <param name="ExpectedFpir">1 − (1 − FMR)^N at this threshold, when the FMR is known.</param>
/// <param name="Reason">One sentence a person can read.</param>
[GenerateSerializer, Immutable, Alias("facegrains.applied-threshold")]
public sealed record AppliedThreshold(
    [property: Id(0)] double Threshold,
    [property: Id(1)] ThresholdSource Source,
    [property: Id(2)] double? TargetFpir,
    [property: Id(3)] int GallerySize,
    [property: Id(4)] double? PairFmr,
    [property: Id(5)] double? ExpectedFpir,
    [property: Id(6)] string Reason);
