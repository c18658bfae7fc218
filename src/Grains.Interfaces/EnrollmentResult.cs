namespace FaceGrains.Grains.Interfaces;

/// <summary>Per-image outcomes of one enrolment and the identity as it stands afterwards.</summary>
/// <param name="Faces">One outcome per request item, in request order.</param>
/// <param name="Identity">The identity after the call; null when nothing was accepted and the identity did not exist before.</param>
[GenerateSerializer, Immutable, Alias("facegrains.enrollment-result")]
public sealed record EnrollmentResult(
    [property: Id(0)] string IdentityId,
    [property: Id(1)] IReadOnlyList<FaceOutcome> Faces,
    [property: Id(2)] IdentityView? Identity)
{
    public int AcceptedCount => Faces.Count(f => f.Status == FaceStatus.Accepted);

    public int RejectedCount => Faces.Count(f => !f.IsEnrolled);
}
