using System.Text.Json;
using System.Text.Json.Serialization;
using FaceGrains.Recognition.Preprocessing;

namespace FaceGrains.Recognition.Models;

/// <summary>
/// Everything the serving path needs to know about one model version, stored as
/// <c>manifest.json</c> next to <c>model.onnx</c>. The version id covers the ONNX bytes and the serving recipe
/// (<see cref="VersionIdFor"/>): the same network served another way is another version.
/// </summary>
public sealed record ModelManifest
{
    /// <summary>2: the recipe (face preparation, flip averaging) is part of the version id. Format 1 ids were the ONNX hash alone.</summary>
    public const int CurrentFormat = 2;

    [JsonPropertyName("format")]
    public int Format { get; init; } = CurrentFormat;

    /// <summary>The version id (<see cref="VersionIdFor"/>); filled in by the model store.</summary>
    [JsonPropertyName("id")]
    public string Id { get; init; } = "";

    /// <summary>sha256 (hex) of model.onnx; filled in by the model store and checked when the model is loaded.</summary>
    [JsonPropertyName("onnx_sha256")]
    public string OnnxSha256 { get; init; } = "";

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

    /// <summary>The serving recipe: how a photo becomes the model's input (see <see cref="PreprocessingSpec"/>).</summary>
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

    /// <summary>
    /// The id of the version made of the ONNX file with sha256 <paramref name="onnxSha256"/> served with
    /// <paramref name="recipe"/>: sha256 over both, so a recipe can never change under a stored embedding.
    /// </summary>
    public static string VersionIdFor(string onnxSha256, PreprocessingSpec recipe)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(onnxSha256);
        ArgumentNullException.ThrowIfNull(recipe);
        var text = $"facegrains model version\nonnx sha256 {onnxSha256}\nrecipe sha256 {recipe.Fingerprint()}\n";
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));
    }

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
            throw new InvalidDataException(Format < CurrentFormat
                ? $"Model manifest format {Format} was written by an earlier FaceGrains, whose version ids did not cover the serving recipe; import the model again (e.g. `facegrains models import-faceapi`)."
                : $"Model manifest format {Format} is not supported (expected {CurrentFormat}).");
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
        if (Id.Length > 0 && OnnxSha256.Length > 0 && Id != VersionIdFor(OnnxSha256, Preprocessing))
        {
            throw new InvalidDataException($"Model manifest {Id} does not match its recipe and ONNX hash (was it edited?): the recipe is part of the version id; derive a new version instead (`facegrains models derive`).");
        }
    }
}
