using System.Text.Json.Serialization;

namespace FaceGrains.Recognition.Models;

/// <summary>Where a model version came from, so anyone can trace and re-create it.</summary>
public sealed record ModelProvenance
{
    /// <summary>e.g. "npm:@vladmandic/face-api@1.7.15" or "facegrains-train run …".</summary>
    [JsonPropertyName("source")]
    public string Source { get; init; } = "";

    [JsonPropertyName("licence")]
    public string Licence { get; init; } = "";

    /// <summary>Integrity or sha256 of the source artefact (e.g. the npm tarball's sha512 integrity).</summary>
    [JsonPropertyName("source_integrity")]
    public string SourceIntegrity { get; init; } = "";

    /// <summary>sha256 of the weights file(s) the model was built from.</summary>
    [JsonPropertyName("weights_sha256")]
    public string WeightsSha256 { get; init; } = "";

    [JsonPropertyName("notes")]
    public string Notes { get; init; } = "";
}
