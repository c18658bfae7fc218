namespace FaceGrains.Recognition.Detection;

/// <summary>Which faces of a photo <see cref="FacePreparer.Prepare"/> prepares for the model.</summary>
public enum FaceSelection
{
    /// <summary>Every face, largest first: identification answers each one.</summary>
    Every,

    /// <summary>
    /// The largest face, the others reported by their boxes only: enrolment's and verification's rule (the person
    /// meant is nearest the camera).
    /// </summary>
    Largest,

    /// <summary>
    /// The face whose centre is nearest the image centre: for sets framed on their subject, such as LFW. When faces
    /// are found but none covers the image centre, the detector looks again on its larger canvas
    /// (<see cref="FaceDetector.DetectOnCanvas"/>) and takes that answer if it has a face there.
    /// </summary>
    Central,
}
