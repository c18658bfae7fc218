namespace FaceGrains.Recognition.Images;

/// <summary>Why an image was refused before any model saw it.</summary>
public enum ImageRejectionReason
{
    /// <summary>No bytes at all.</summary>
    Empty,

    /// <summary>The data starts like a known format but ends early.</summary>
    Truncated,

    /// <summary>Not a format we decode, or corrupt beyond decoding.</summary>
    Undecodable,

    /// <summary>More than the pixel limit (40 megapixels by default).</summary>
    TooManyPixels,

    /// <summary>More than the byte limit (20 MB by default).</summary>
    TooLarge,

    /// <summary>Width or height is zero.</summary>
    ZeroSized,
}
