namespace FaceGrains.Grains.Interfaces;

/// <summary>
/// The embedder's answer for one image: its faces prepared by the model version's recipe and embedded (largest first;
/// every face for identification, the largest for enrolment and verification), the other faces found but not
/// embedded, or why the image gave none (<see cref="Rejection"/>: undecodable, no face, too small…).
/// </summary>
/// <param name="FaceId">sha256 (hex) of the image bytes.</param>
[GenerateSerializer, Immutable, Alias("facegrains.embedded-photo")]
public sealed record EmbeddedPhoto(
    [property: Id(0)] string FaceId,
    [property: Id(1)] int Width,
    [property: Id(2)] int Height,
    [property: Id(3)] IReadOnlyList<EmbeddedFace> Faces,
    [property: Id(4)] IReadOnlyList<FaceLocation> OtherFaces,
    [property: Id(5)] ProbeRejection? Rejection = null);

/// <summary>One embedded face: where it is, its L2-normalised embedding, and (enrolment) why it may not be enrolled.</summary>
/// <param name="EnrolmentProblems">Empty when the face passes the enrolment quality gate (only filled for enrolment).</param>
[GenerateSerializer, Immutable, Alias("facegrains.embedded-face")]
public sealed record EmbeddedFace(
    [property: Id(0)] FaceLocation Location,
    [property: Id(1), Immutable] float[] Embedding,
    [property: Id(2)] IReadOnlyList<ProbeRejection> EnrolmentProblems);
