namespace FaceGrains.Recognition.Detection;

/// <summary>
/// What <see cref="FacePreparer.Prepare"/> made of one photo: the faces prepared for the model (largest first), the
/// other faces found but not selected (boxes only: an enrolment photo that holds more than one person), or why there is
/// no face at all (<see cref="Outcome"/>, <see cref="Message"/>).
/// </summary>
public sealed record PreparedPhoto(int Width, int Height, PhotoOutcome Outcome, string Message, IReadOnlyList<PreparedFace> Faces, IReadOnlyList<DetectedFace> Others)
{
    public bool HasFaces => Faces.Count > 0;
}
