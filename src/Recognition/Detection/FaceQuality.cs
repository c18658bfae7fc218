namespace FaceGrains.Recognition.Detection;

/// <summary>
/// Quality figures of one face. <see cref="Size"/>: the box's shorter side in image pixels; <see cref="Score"/>:
/// the detector's probability; <see cref="Sharpness"/>: variance of the Laplacian of the aligned chip's grey levels
/// (measured on the chip, so the same face at any photo resolution is judged alike; low = blurred);
/// pose in degrees, estimated from the five points (roll exactly, yaw and pitch roughly: see <see cref="FaceQualityMeasure"/>).
/// </summary>
public sealed record FaceQuality(double Size, float Score, double Sharpness, double RollDegrees, double YawDegrees, double PitchDegrees);
