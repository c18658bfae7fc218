namespace FaceGrains.Grains.Interfaces;

/// <summary>What re-embedding one identity into a model version did.</summary>
/// <param name="Exists">False when the identity does not exist (forgotten since it was listed): nothing to do.</param>
/// <param name="Embedded">Faces embedded now.</param>
/// <param name="AlreadyCovered">Faces that had an embedding under the version already.</param>
/// <param name="Failure">Why some face could not be embedded (no stored image, no face under the new recipe…), or null.</param>
[GenerateSerializer, Immutable, Alias("facegrains.reembed-result")]
public sealed record ReembedResult(
    [property: Id(0)] bool Exists,
    [property: Id(1)] int Embedded,
    [property: Id(2)] int AlreadyCovered,
    [property: Id(3)] string? Failure);
