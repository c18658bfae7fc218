using System.Text.Json.Serialization;
using FaceGrains.Recognition.Models;

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

    /// <summary>Where the weights came from, as for embedding model versions.</summary>
    [JsonPropertyName("provenance")]
    public ModelProvenance Provenance { get; init; } = new();
}
