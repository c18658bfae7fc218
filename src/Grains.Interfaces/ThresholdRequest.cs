namespace FaceGrains.Grains.Interfaces;

/// <summary>
/// The operating point a caller asks for. At most one of the two may be set; with neither, the gallery's default
/// target FPIR applies.
/// </summary>
/// <param name="TargetFpir">Open-set false-positive identification rate to aim for, in (0, 1).</param>
/// <param name="Threshold">A raw cosine threshold, used as given.</param>
[GenerateSerializer, Immutable, Alias("facegrains.threshold-request")]
public sealed record ThresholdRequest(
    [property: Id(0)] double? TargetFpir = null,
    [property: Id(1)] double? Threshold = null)
{
    public static ThresholdRequest Default { get; } = new();
}
