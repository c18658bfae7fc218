namespace FaceGrains.Grains.Interfaces;

/// <summary>What happened to one image of an enrolment (or why a probe image could not be used).</summary>
[GenerateSerializer, Alias("facegrains.face-status")]
public enum FaceStatus
{
    /// <summary>Stored, embedded and part of the identity's centroid now.</summary>
    Accepted = 0,

    /// <summary>
    /// The same bytes are already enrolled under this identity (or appear earlier in the same request).
    /// Nothing changed: re-enrolling is idempotent.
    /// </summary>
    Duplicate = 1,

    /// <summary>The same bytes are enrolled under another identity (named in the outcome); refused.</summary>
    ConflictsWithOtherIdentity = 2,

    /// <summary>No bytes.</summary>
    Empty = 3,

    /// <summary>Starts like a known format but ends early.</summary>
    Truncated = 4,

    /// <summary>Not an image format the gallery decodes, or corrupt.</summary>
    Undecodable = 5,

    /// <summary>More bytes than the gallery accepts.</summary>
    TooLarge = 6,

    /// <summary>More pixels than the gallery accepts.</summary>
    TooManyPixels = 7,

    /// <summary>Width or height is zero.</summary>
    ZeroSized = 8,

    /// <summary>An embedding-in face whose vector has the wrong length, or is not finite and non-zero.</summary>
    InvalidEmbedding = 9,

    /// <summary>The detector found no face in the photo (send aligned=true for images that are face chips already).</summary>
    NoFace = 10,

    /// <summary>The image's shorter side is below the smallest face the detector can find.</summary>
    ImageTooSmall = 11,

    /// <summary>The face is smaller than the enrolment minimum.</summary>
    TooSmall = 12,

    /// <summary>The detector is not confident enough that it is a face.</summary>
    LowConfidence = 13,

    /// <summary>The face is too blurred to enrol.</summary>
    Blurry = 14,

    /// <summary>The head is turned or tilted too far to enrol.</summary>
    Pose = 15,
}
