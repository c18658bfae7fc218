namespace FaceGrains.Recognition.Detection;

/// <summary>One reason a face is not good enough to enrol (<see cref="EnrolmentThresholds.Check"/>), with a sentence for people.</summary>
public sealed record QualityProblem(QualityProblemKind Kind, string Message);

/// <summary>What is wrong with a face for enrolment.</summary>
public enum QualityProblemKind
{
    /// <summary>The face is smaller than the enrolment minimum.</summary>
    TooSmall,

    /// <summary>The detector is not confident it is a face.</summary>
    LowConfidence,

    /// <summary>What the model would see is too blurred.</summary>
    Blurry,

    /// <summary>The head is turned or tilted too far.</summary>
    Pose,
}
