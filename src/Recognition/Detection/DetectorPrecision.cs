namespace FaceGrains.Recognition.Detection;

/// <summary>Which build of the face detector a preparer loads (<see cref="FacePreparer.Open(Models.ModelVersion, FaceGrainsHome, int, Action{string}?, EnrolmentThresholds?, DetectorPrecision)"/>): the model itself is the build, and its id is in every prepared-face cache key.</summary>
public enum DetectorPrecision
{
    /// <summary>The published weights, float32 arithmetic.</summary>
    Float32,

    /// <summary>The MobileNet body in int8 (ONNX QDQ form), the box and class predictors in float32.</summary>
    Int8,
}
