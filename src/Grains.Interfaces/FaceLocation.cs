namespace FaceGrains.Grains.Interfaces;

/// <summary>
/// Where a face is in its photo and how good it is: the box (image pixels, x right, y down), the five alignment points
/// (eye centres, nose tip, mouth corners; none for a face chip the caller declared aligned) and the quality figures.
/// </summary>
[GenerateSerializer, Immutable, Alias("facegrains.face-location")]
public sealed record FaceLocation(
    [property: Id(0)] FaceBoxView Box,
    [property: Id(1)] IReadOnlyList<FacePointView>? FivePoints,
    [property: Id(2)] FaceQualityView Quality);

/// <summary>An axis-aligned box in image pixels.</summary>
[GenerateSerializer, Immutable, Alias("facegrains.face-box")]
public sealed record FaceBoxView(
    [property: Id(0)] double X,
    [property: Id(1)] double Y,
    [property: Id(2)] double Width,
    [property: Id(3)] double Height);

/// <summary>A point in image pixels.</summary>
[GenerateSerializer, Immutable, Alias("facegrains.face-point")]
public sealed record FacePointView(
    [property: Id(0)] double X,
    [property: Id(1)] double Y);

/// <summary>
/// Quality of one face: the box's shorter side in pixels, the detector's probability, the sharpness (variance of the
/// Laplacian of what the model is shown) and the rough pose in degrees. Detector score and pose are null for a face chip
/// the caller declared aligned; sharpness is null for a face that was found but not prepared (another face of an
/// enrolment photo).
/// </summary>
[GenerateSerializer, Immutable, Alias("facegrains.face-quality")]
public sealed record FaceQualityView(
    [property: Id(0)] double SizePx,
    [property: Id(1)] float? DetectorScore,
    [property: Id(2)] double? Sharpness,
    [property: Id(3)] double? RollDegrees,
    [property: Id(4)] double? YawDegrees,
    [property: Id(5)] double? PitchDegrees);
