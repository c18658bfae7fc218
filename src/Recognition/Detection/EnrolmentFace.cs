namespace FaceGrains.Recognition.Detection;

/// <summary>
/// The face a photo enrols: the largest one, when it passes <see cref="EnrolmentThresholds"/>. <see cref="Others"/>
/// are the remaining faces, reported so the operator can see the photo held more than one person.
/// Nothing is to be stored unless <see cref="Accepted"/>. <see cref="Embedding"/> is the face's, or, when the
/// photo had no face and the caller asked for the fallback, the whole image's under the model's fixed crop
/// (<see cref="UsedFixedCrop"/>): for images that are already face chips.
/// </summary>
public sealed record EnrolmentFace(PhotoFaces Photo, FaceObservation? Face, IReadOnlyList<FaceObservation> Others, IReadOnlyList<string> Rejections)
{
    public Embedding.FaceEmbedding? Embedding { get; init; }

    public bool UsedFixedCrop { get; init; }

    public bool Accepted => Embedding is not null && Rejections.Count == 0;
}
