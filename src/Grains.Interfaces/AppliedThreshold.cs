namespace FaceGrains.Grains.Interfaces;

/// <summary>The threshold an answer was decided with, where it came from, and why.</summary>
/// <param name="Threshold">Cosine similarity at or above which a candidate is accepted.</param>
/// <param name="Source">The gallery's own calibration, the one shipped with the model version, the caller's, or none.</param>
/// <param name="TargetFpir">Identification: the target FPIR aimed at (null for a raw threshold and for verification).</param>
/// <param name="GallerySize">Identities in the gallery when the threshold was chosen (N; 1 for verification).</param>
/// <param name="PairFmr">The per-comparison false-match rate the threshold corresponds to, when known.</param>
/// <param name="ExpectedFpir">1 − (1 − FMR)^N at this threshold, when the FMR is known.</param>
/// <param name="Reason">One sentence a person can read.</param>
/// <param name="TargetFmr">Verification: the target pair FMR aimed at (null for a raw threshold and for identification).</param>
/// <param name="ImpostorScores">How many impostor scores stand behind the calibration used (null without one).</param>
/// <param name="Calibration">Where the calibration's scores came from (a data set and recipe, or the gallery and its model).</param>
[GenerateSerializer, Immutable, Alias("facegrains.applied-threshold")]
public sealed record AppliedThreshold(
    [property: Id(0)] double Threshold,
    [property: Id(1)] ThresholdSource Source,
    [property: Id(2)] double? TargetFpir,
    [property: Id(3)] int GallerySize,
    [property: Id(4)] double? PairFmr,
    [property: Id(5)] double? ExpectedFpir,
    [property: Id(6)] string Reason,
    [property: Id(7)] double? TargetFmr = null,
    [property: Id(8)] long? ImpostorScores = null,
    [property: Id(9)] string? Calibration = null);
