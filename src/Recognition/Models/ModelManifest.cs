using System.Text.Json;
using System.Text.Json.Serialization;
using FaceGrains.Recognition.Preprocessing;

namespace FaceGrains.Recognition.Models;

/// <summary>
/// Everything the serving path needs to know about one model version, stored as
/// <c>manifest.json</c> next to <c>model.onnx</c>. The version id is the sha256 of the ONNX bytes.
/// </summary>
public sealed record ModelManifest
{
    public const int CurrentFormat = 1;

    [JsonPropertyName("format")]
    public int Format { get; init; } = CurrentFormat;

    /// <summary>sha256 (hex) of model.onnx; filled in by the model store.</summary>
    [JsonPropertyName("id")]
    public string Id { get; init; } = "";

    /// <summary>Human name, e.g. "dlib-resnet-faceapi".</summary>
    [JsonPropertyName("name")]
    public string Name { get; init; } = "";

    [JsonPropertyName("created_utc")]
    public DateTimeOffset CreatedUtc { get; init; }

    [JsonPropertyName("input_name")]
    public string InputName { get; init; } = "input";

    /// <summary>The model's own output (not necessarily normalised).</summary>
    [JsonPropertyName("output_name")]
    public string OutputName { get; init; } = "embedding";

    [JsonPropertyName("embedding_size")]
    public int EmbeddingSize { get; init; }

    [JsonPropertyName("preprocessing")]
    public PreprocessingSpec Preprocessing { get; init; } = new();

    /// <summary>How the gallery compares embeddings: "cosine" (dot product of L2-normalised vectors).</summary>
    [JsonPropertyName("distance")]
    public string Distance { get; init; } = "cosine";

    /// <summary>Cosine-similarity thresholds by operating point name, e.g. "far_1e-3" or "eer".</summary>
    [JsonPropertyName("thresholds")]
    public Dictionary<string, double> Thresholds { get; init; } = [];

    [JsonPropertyName("provenance")]
    public ModelProvenance Provenance { get; init; } = new();

    /// <summary>Named evaluation results (e.g. "lfw" → metrics), free-form numbers.</summary>
    [JsonPropertyName("evaluation")]
    public Dictionary<string, Dictionary<string, double>> Evaluation { get; init; } = [];

    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public static ModelManifest FromJson(string json)
    {
        var manifest = JsonSerializer.Deserialize<ModelManifest>(json, JsonOptions)
            ?? throw new InvalidDataException("Model manifest is empty.");
        manifest.Validate();
        return manifest;
    }

    public void Validate()
    {
        if (Format != CurrentFormat)
        {
            throw new InvalidDataException($"Model manifest format {Format} is not supported (expected {CurrentFormat}).");
        }

        if (EmbeddingSize <= 0)
        {
            throw new InvalidDataException($"Model manifest embedding_size {EmbeddingSize} must be positive.");
        }

        // JSON may hold null where an object belongs.
        if (Preprocessing is null || Thresholds is null || Provenance is null || Evaluation is null)
        {
            throw new InvalidDataException("Model manifest preprocessing, thresholds, provenance and evaluation must be objects, not null.");
        }

        if (string.IsNullOrWhiteSpace(InputName) || string.IsNullOrWhiteSpace(OutputName))
        {
            throw new InvalidDataException("Model manifest needs input_name and output_name.");
        }

        if (Distance != "cosine")
        {
            throw new InvalidDataException($"Distance '{Distance}' is not supported (only 'cosine').");
        }

        Preprocessing.Validate();
    }
}
