namespace FaceGrains.Grains.Interfaces;

/// <summary>The result for one image (or vector) of an enrolment request, in request order.</summary>
/// <param name="Index">Position in the request.</param>
/// <param name="FileName">The caller's file name, echoed.</param>
/// <param name="FaceId">sha256 of the image bytes (or the caller's id for a vector); null for an empty image.</param>
/// <param name="Status">Accepted, Duplicate (idempotent no-op), or why it was refused.</param>
/// <param name="Message">A sentence for people: what was wrong, or what was done.</param>
/// <param name="ConflictingIdentityId">For <see cref="FaceStatus.ConflictsWithOtherIdentity"/>: who owns the face.</param>
/// <param name="Face">The face that was (or would have been) enrolled: the largest in the photo.</param>
/// <param name="OtherFaces">The photo's other faces, not enrolled (with the warning <see cref="SeveralFacesWarning"/>).</param>
/// <param name="Warnings">Accepted, but worth a look: <see cref="SeveralFacesWarning"/>.</param>
[GenerateSerializer, Immutable, Alias("facegrains.face-outcome")]
public sealed record FaceOutcome(
    [property: Id(0)] int Index,
    [property: Id(1)] string? FileName,
    [property: Id(2)] string? FaceId,
    [property: Id(3)] FaceStatus Status,
    [property: Id(4)] string Message,
    [property: Id(5)] string? ConflictingIdentityId = null,
    [property: Id(6)] FaceLocation? Face = null,
    [property: Id(7)] IReadOnlyList<FaceLocation>? OtherFaces = null,
    [property: Id(8)] IReadOnlyList<string>? Warnings = null)
{
    /// <summary>The photo holds more than one face: the largest was used, the others are in <see cref="OtherFaces"/>.</summary>
    public const string SeveralFacesWarning = "several_faces";

    /// <summary>True when the face is enrolled under this identity after the call (newly or already).</summary>
    public bool IsEnrolled => Status is FaceStatus.Accepted or FaceStatus.Duplicate;
}
