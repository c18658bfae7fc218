namespace FaceGrains.Recognition.Detection;

/// <summary>
/// Quality figures of one face. <see cref="Size"/>: the face box's shorter side in image pixels (for a face chip, the
/// image's shorter side); <see cref="Score"/>: the detector's probability; <see cref="Sharpness"/>: variance of the
/// Laplacian of the grey levels of what the model is shown (measured there, so the same face at any photo resolution is
/// judged alike; low = blurred); pose in degrees, estimated from the five points (roll exactly, yaw and pitch roughly:
/// see <see cref="FaceQualityMeasure"/>). A face chip the caller declared aligned has no detector score and no pose.
/// </summary>
public sealed record FaceQuality(double Size, float? Score, double Sharpness, double? RollDegrees, double? YawDegrees, double? PitchDegrees);
