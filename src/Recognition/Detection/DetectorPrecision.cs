namespace FaceGrains.Recognition.Detection;

/// <summary>Which build of the face detector runs (<see cref="FaceDetectorOptions.Precision"/>).</summary>
public enum DetectorPrecision
{
    /// <summary>The published weights, float32 arithmetic.</summary>
    Float32,

    /// <summary>The MobileNet body in int8 (ONNX QDQ form), the box and class predictors in float32.</summary>
    Int8,
}
