using FaceGrains.Recognition.Images;
using FaceGrains.Recognition.Preprocessing;

namespace FaceGrains.Recognition.Detection;

/// <summary>
/// One face ready for the model, as its version's recipe cut it: where it is in the photo (box, detector score, 68
/// landmarks and five alignment points; none of these for a face chip the caller declared aligned), how good it is,
/// and what the model input is made of: <see cref="Image"/> framed by <see cref="Crop"/> (an aligned chip taken whole,
/// or a face chip under the recipe's fixed crop).
/// </summary>
public sealed record PreparedFace(
    int Index,
    FaceBox Box,
    float? DetectorScore,
    FaceLandmarks? Landmarks,
    FacePoint[]? FivePoints,
    FaceQuality Quality,
    RgbImage Image,
    CropPolicy Crop)
{
    /// <summary>True for an image the caller declared to be a face chip (no detection, no landmarks).</summary>
    public bool IsChip => Landmarks is null;
}
