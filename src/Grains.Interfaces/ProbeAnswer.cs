namespace FaceGrains.Grains.Interfaces;

/// <summary>
/// The answer for one probe image: one <see cref="FaceAnswer"/> per face found in it (largest first), or why it gave none
/// (<see cref="Rejection"/>: undecodable, no face, too small…).
/// </summary>
/// <param name="ProbeIndex">Position of the image in the request.</param>
/// <param name="FileName">The caller's file name, echoed.</param>
/// <param name="Faces">Every face of the image with its decision; empty when the image was rejected.</param>
/// <param name="Threshold">The threshold used and why (null when the image was rejected).</param>
/// <param name="ModelVersion">The model version every face was embedded and searched with.</param>
[GenerateSerializer, Immutable, Alias("facegrains.probe-answer")]
public sealed record ProbeAnswer(
    [property: Id(0)] int ProbeIndex,
    [property: Id(1)] string? FileName,
    [property: Id(2)] IReadOnlyList<FaceAnswer> Faces,
    [property: Id(3)] AppliedThreshold? Threshold,
    [property: Id(4)] string ModelVersion,
    [property: Id(5)] ProbeRejection? Rejection = null);

/// <summary>
/// The open-set answer for one face: an identity, or no-correspondence. In one photo an identity answers at most one
/// face (faces and candidates are assigned one-to-one for the best total score), so a face whose best candidate answers
/// another face gets its next candidate at or above the threshold, or no-correspondence.
/// </summary>
/// <param name="FaceIndex">Position of the face in its photo (largest first).</param>
/// <param name="Location">Box, five points and quality (null for embedding-in probes).</param>
/// <param name="IdentityId">The identified identity; null for no-correspondence.</param>
/// <param name="Score">The answered identity's score, or the best candidate's for no-correspondence (null when the gallery is empty).</param>
/// <param name="Candidates">Top-k identities, best first, whatever the decision.</param>
[GenerateSerializer, Immutable, Alias("facegrains.face-answer")]
public sealed record FaceAnswer(
    [property: Id(0)] int FaceIndex,
    [property: Id(1)] FaceLocation? Location,
    [property: Id(2)] IdentifyDecision Decision,
    [property: Id(3)] string? IdentityId,
    [property: Id(4)] float? Score,
    [property: Id(5)] IReadOnlyList<Candidate> Candidates)
{
    /// <summary>The word printed and returned for an open-set miss.</summary>
    public const string NoCorrespondenceLabel = "no-correspondence";

    /// <summary>The identity id, or <c>no-correspondence</c>.</summary>
    public string Label => Decision == IdentifyDecision.Identified ? IdentityId! : NoCorrespondenceLabel;
}
