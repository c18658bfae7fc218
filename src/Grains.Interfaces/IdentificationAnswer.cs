namespace FaceGrains.Grains.Interfaces;

/// <summary>The answer for one probe.</summary>
/// <param name="ProbeIndex">Position of the probe in the request.</param>
/// <param name="FileName">The caller's file name, echoed (image probes only).</param>
/// <param name="Decision">Identified, no-correspondence, or rejected.</param>
/// <param name="IdentityId">The identified identity; null otherwise.</param>
/// <param name="Score">The best candidate's score (null when the gallery is empty or the probe was rejected).</param>
/// <param name="Candidates">Top-k identities, best first, whatever the decision.</param>
/// <param name="Threshold">The threshold used and why (null for a rejected probe).</param>
/// <param name="ModelVersion">The model version the probe was embedded and searched with.</param>
/// <param name="Rejection">Why the probe image could not be used (decision <see cref="IdentifyDecision.Rejected"/>).</param>
[GenerateSerializer, Immutable, Alias("facegrains.identification-answer")]
public sealed record IdentificationAnswer(
    [property: Id(0)] int ProbeIndex,
    [property: Id(1)] string? FileName,
    [property: Id(2)] IdentifyDecision Decision,
    [property: Id(3)] string? IdentityId,
    [property: Id(4)] float? Score,
    [property: Id(5)] IReadOnlyList<Candidate> Candidates,
    [property: Id(6)] AppliedThreshold? Threshold,
    [property: Id(7)] string ModelVersion,
    [property: Id(8)] ProbeRejection? Rejection = null)
{
    /// <summary>The word printed and returned for an open-set miss.</summary>
    public const string NoCorrespondenceLabel = "no-correspondence";

    /// <summary>The identity id, or <c>no-correspondence</c>, or <c>rejected</c>.</summary>
    public string Label => Decision switch
    {
        IdentifyDecision.Identified => IdentityId!,
        IdentifyDecision.NoCorrespondence => NoCorrespondenceLabel,
        _ => "rejected",
    };
}
