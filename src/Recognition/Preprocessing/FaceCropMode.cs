namespace FaceGrains.Recognition.Preprocessing;

/// <summary>How a model version's input is cut from a photo.</summary>
public enum FaceCropMode
{
    /// <summary>Detect, find landmarks, warp the five points onto the manifest's template; no face is an explicit result.</summary>
    Align,

    /// <summary>The manifest's fixed crop: for images that are already face crops.</summary>
    CenterCrop,

    /// <summary>Align; the fixed crop is used for a photo without a face only when the caller asks for that fallback.</summary>
    Auto,
}
