using FaceGrains.Recognition.Embedding;
using FaceGrains.Recognition.Images;

namespace FaceGrains.Recognition.Detection;

/// <summary>
/// One face found in a photo: where (box, score, 68 landmarks, the five alignment points), how good
/// (<see cref="Quality"/>), the aligned chip the model sees, and its embedding when one was asked for.
/// </summary>
public sealed record FaceObservation(
    int Index,
    DetectedFace Detection,
    FaceLandmarks Landmarks,
    FacePoint[] FivePoints,
    SimilarityTransform ImageToChip,
    RgbImage AlignedChip,
    FaceQuality Quality)
{
    public FaceBox Box => Detection.Box;

    public FaceEmbedding? Embedding { get; init; }
}
