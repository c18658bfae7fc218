namespace FaceGrains.Recognition.Detection;

/// <summary>Every face in one photo, largest first, or why there is none (<see cref="Outcome"/>, <see cref="Message"/>).</summary>
public sealed record PhotoFaces(int Width, int Height, PhotoOutcome Outcome, string Message, IReadOnlyList<FaceObservation> Faces)
{
    public bool HasFaces => Faces.Count > 0;
}
