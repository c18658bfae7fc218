namespace FaceGrains.Recognition.Detection;

/// <summary>
/// The face a photo enrols: the largest one, when it passes <see cref="EnrolmentThresholds"/>. <see cref="Others"/>
/// are the remaining faces, reported so the operator can see the photo held more than one person.
/// Nothing is to be stored unless <see cref="Accepted"/>.
/// </summary>
public sealed record EnrolmentFace(PhotoFaces Photo, FaceObservation? Face, IReadOnlyList<FaceObservation> Others, IReadOnlyList<string> Rejections)
{
    public bool Accepted => Face is not null && Rejections.Count == 0;
}
