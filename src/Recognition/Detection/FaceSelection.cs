namespace FaceGrains.Recognition.Detection;

/// <summary>Which face of a photo stands for it when only one may.</summary>
public enum FaceSelection
{
    /// <summary>The largest box: enrolment's rule (the person being enrolled is nearest the camera).</summary>
    Largest,

    /// <summary>
    /// The box whose centre is nearest the image centre: for sets framed on their subject, such as LFW. When faces
    /// are found but none covers the image centre, the detector looks again on its larger canvas
    /// (<see cref="FaceDetector.DetectOnCanvas"/>) and takes that answer if it has a face there.
    /// </summary>
    Central,
}
