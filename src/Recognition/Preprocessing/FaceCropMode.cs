namespace FaceGrains.Recognition.Preprocessing;

/// <summary>How a model version's input is cut from a photo (<see cref="PreprocessingSpec.FaceCrop"/>).</summary>
public enum FaceCropMode
{
    /// <summary>Detect, find landmarks, warp the five points onto the manifest's template; no face is an explicit result.</summary>
    Align,

    /// <summary>The manifest's fixed crop: every image is taken to be a face already.</summary>
    CenterCrop,
}
