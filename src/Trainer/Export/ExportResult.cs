using System.Text.Json.Serialization;

namespace FaceGrains.Trainer.Export;

/// <summary>What `export --json` prints.</summary>
public sealed record ExportResult
{
    [JsonPropertyName("onnx")] public string Onnx { get; init; } = "";
    [JsonPropertyName("manifest")] public string Manifest { get; init; } = "";
    [JsonPropertyName("embedding_size")] public int EmbeddingSize { get; init; }
    [JsonPropertyName("parity_max_abs_diff")] public double ParityMaxAbsDiff { get; init; }
    [JsonPropertyName("parity_images")] public int ParityImages { get; init; }
    [JsonPropertyName("val_eer")] public double ValEer { get; init; }
    [JsonPropertyName("val_auc")] public double ValAuc { get; init; }
    [JsonPropertyName("thresholds")] public Dictionary<string, double> Thresholds { get; init; } = [];
}
