using FaceGrains.Recognition.Images;
using FaceGrains.Recognition.Preprocessing;

namespace FaceGrains.Recognition.Detection;

/// <summary>
/// One face ready for the model, as its version's recipe cut it: where it is in the photo (box, detector score, 68
/// landmarks and five alignment points; no detector score for a declared face chip, whose box is the whole image; no
/// landmarks under a center-crop recipe), how good it is, and what the model input is made of: <see cref="Image"/>
/// framed by <see cref="Crop"/> (an aligned chip taken whole, or the image under a center-crop recipe's fixed crop).
/// </summary>
/// <param name="IsChip">The whole image is the face: declared a face chip by the caller, or any image under a center-crop recipe.</param>
public sealed record PreparedFace(
    int Index,
    FaceBox Box,
    float? DetectorScore,
    FaceLandmarks? Landmarks,
    FacePoint[]? FivePoints,
    FaceQuality Quality,
    RgbImage Image,
    CropPolicy Crop,
    bool IsChip = false);
