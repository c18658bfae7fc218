namespace FaceGrains.Grains.Interfaces;

/// <summary>Make a model version the active one: migrate the gallery to it, gate, flip.</summary>
/// <param name="Force">Flip even when the gate refuses (the figures are still measured and kept).</param>
/// <param name="FolderActive">The active version's figures on a labelled folder, measured by the caller (optional gate data).</param>
/// <param name="FolderCandidate">The candidate's figures on the same folder.</param>
[GenerateSerializer, Immutable, Alias("facegrains.activate-request")]
public sealed record ActivateRequest(
    [property: Id(0)] string ModelVersion,
    [property: Id(1)] bool Force = false,
    [property: Id(2)] GateFigures? FolderActive = null,
    [property: Id(3)] GateFigures? FolderCandidate = null);
