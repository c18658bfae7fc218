namespace FaceGrains.Grains.Interfaces;

/// <summary>Images to enrol under one identity, with an optional display name and metadata to set at the same time.</summary>
/// <param name="Images">One or more images; each gets its own outcome.</param>
/// <param name="DisplayName">Sets the display name when not null (a new identity defaults to its id).</param>
/// <param name="Metadata">Keys to set (merged over existing metadata) when not null.</param>
/// <param name="Aligned">
/// The caller declares the images to be aligned face chips already (detectors often miss faces that fill the frame):
/// no detection, the recipe's fixed crop. Without it, a photo in which no face is found is refused (no_face).
/// </param>
[GenerateSerializer, Immutable, Alias("facegrains.enroll-request")]
public sealed record EnrollRequest(
    [property: Id(0)] IReadOnlyList<FaceImage> Images,
    [property: Id(1)] string? DisplayName = null,
    [property: Id(2)] IReadOnlyDictionary<string, string>? Metadata = null,
    [property: Id(3)] bool Aligned = false);
