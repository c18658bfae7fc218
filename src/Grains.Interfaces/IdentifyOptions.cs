namespace FaceGrains.Grains.Interfaces;

/// <summary>Per-request settings of an identification.</summary>
/// <param name="Threshold">Operating point (target FPIR or raw threshold); null means the gallery's default.</param>
/// <param name="CandidateCount">Candidates returned per face (top-k); null means the gallery's default.</param>
/// <param name="Aligned">The probe images are aligned face chips already: no detection, one face each.</param>
[GenerateSerializer, Immutable, Alias("facegrains.identify-options")]
public sealed record IdentifyOptions(
    [property: Id(0)] ThresholdRequest? Threshold = null,
    [property: Id(1)] int? CandidateCount = null,
    [property: Id(2)] bool Aligned = false)
{
    public static IdentifyOptions Default { get; } = new();
}
