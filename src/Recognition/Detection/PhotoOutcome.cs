namespace FaceGrains.Recognition.Detection;

/// <summary>What a photo yielded, before any per-face judgement.</summary>
public enum PhotoOutcome
{
    /// <summary>At least one face.</summary>
    FacesFound,

    /// <summary>The detector found no face at or above the minimum size and confidence.</summary>
    NoFace,

    /// <summary>The image's shorter side is below the minimum face size: no face could be found in it.</summary>
    ImageTooSmall,
}
