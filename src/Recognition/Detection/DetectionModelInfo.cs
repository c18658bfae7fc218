using System.Text.Json.Serialization;

namespace FaceGrains.Recognition.Detection;

/// <summary><c>info.json</c> beside a detection-stage <c>model.onnx</c>: what it is and where it came from.</summary>
public sealed record DetectionModelInfo
{
    /// <summary>sha256 of model.onnx; filled in by the store.</summary>
    [JsonPropertyName("id")]
    public string Id { get; init; } = "";

    /// <summary>e.g. "ssd-mobilenetv1-faceapi" or "landmark68-faceapi".</summary>
    [JsonPropertyName("name")]
    public string Name { get; init; } = "";

    /// <summary>"face-detector" or "face-landmarks-68".</summary>
    [JsonPropertyName("kind")]
    public string Kind { get; init; } = "";

    [JsonPropertyName("input_size")]
    public int InputSize { get; init; }

    [JsonPropertyName("created_utc")]
    public DateTimeOffset CreatedUtc { get; init; }

    [JsonPropertyName("source")]
    public string Source { get; init; } = "";

    [JsonPropertyName("licence")]
    public string Licence { get; init; } = "";

    [JsonPropertyName("source_integrity")]
    public string SourceIntegrity { get; init; } = "";

    [JsonPropertyName("weights_sha256")]
    public string WeightsSha256 { get; init; } = "";

    [JsonPropertyName("notes")]
    public string Notes { get; init; } = "";
}
