namespace FaceGrains.Recognition.Detection;

/// <summary>Which face of a photo stands for it when only one may.</summary>
public enum FaceSelection
{
    /// <summary>The largest box: enrolment's rule (the person being enrolled is nearest the camera).</summary>
    Largest,

    /// <summary>The box whose centre is nearest the image centre: for sets framed on their subject, such as LFW.</summary>
    Central,
}
