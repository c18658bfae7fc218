namespace FaceGrains.Grains.Interfaces;

/// <summary>
/// The gallery's own impostor scores for one model version: enrolled faces of (a sample of) its identities against
/// the centroids of every other identity, as points (score, FMR) of the upper tail, FMR(score) = share of those
/// scores at or above it. Thresholds come from it once it resolves the target FPIR at the gallery's size, and from
/// its tail modelled on the shipped calibration's shape until then.
/// </summary>
/// <param name="GallerySize">Identities in the gallery when measured.</param>
/// <param name="SampledIdentities">Identities whose faces were scored (all of them, up to a budget).</param>
/// <param name="SampledFaces">Faces scored against the other identities' centroids.</param>
/// <param name="ImpostorScores">Scores behind the points.</param>
/// <param name="Scores">Tail points' scores, ascending.</param>
/// <param name="Fmrs">Tail points' FMRs, descending; the last is the smallest FMR the scores resolve.</param>
/// <param name="TopImpostorQuantiles">
/// Quantiles 0, 0.01 … 1 of each sampled face's best score against the other identities' centroids (what an unknown
/// probe's top score should look like at this size; the score drift's reference); null in calibrations measured before it.
/// </param>
[GenerateSerializer, Immutable, Alias("facegrains.gallery-calibration")]
public sealed record GalleryCalibration(
    [property: Id(0)] string ModelVersion,
    [property: Id(1)] int GallerySize,
    [property: Id(2)] int SampledIdentities,
    [property: Id(3)] int SampledFaces,
    [property: Id(4)] long ImpostorScores,
    [property: Id(5), Immutable] double[] Scores,
    [property: Id(6), Immutable] double[] Fmrs,
    [property: Id(7)] DateTimeOffset MeasuredUtc,
    [property: Id(8), Immutable] double[]? TopImpostorQuantiles = null);
