namespace FaceGrains.Grains.Interfaces;

/// <summary>
/// The operating point a caller asks for: a target rate or a raw threshold, at most one of them; with neither, the
/// gallery's default applies. Identification takes <see cref="TargetFpir"/>, verification <see cref="TargetFmr"/>.
/// </summary>
/// <param name="TargetFpir">Open-set false-positive identification rate to aim for, in (0, 1) (identify).</param>
/// <param name="Threshold">A raw cosine threshold, used as given.</param>
/// <param name="TargetFmr">1:1 false-match rate to aim for, in (0, 1) (verify).</param>
[GenerateSerializer, Immutable, Alias("facegrains.threshold-request")]
public sealed record ThresholdRequest(
    [property: Id(0)] double? TargetFpir = null,
    [property: Id(1)] double? Threshold = null,
    [property: Id(2)] double? TargetFmr = null)
{
    public static ThresholdRequest Default { get; } = new();
}
