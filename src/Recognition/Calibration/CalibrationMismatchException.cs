namespace FaceGrains.Recognition.Calibration;

/// <summary>
/// A calibration that does not describe the scores a model version produces (measured for another version or recipe,
/// or in an older format without its recipe): using it would put the threshold in the wrong place, so it is refused.
/// </summary>
public sealed class CalibrationMismatchException(string message) : Exception(message);
