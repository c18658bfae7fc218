using System.Text.Json.Serialization;

namespace FaceGrains.Trainer.Training;

/// <summary>One line of metrics.jsonl: epoch 0 is the untrained network.</summary>
public sealed record EpochMetrics
{
    [JsonPropertyName("epoch")] public int Epoch { get; init; }
    [JsonPropertyName("step")] public long Step { get; init; }
    [JsonPropertyName("train_loss")] public double? TrainLoss { get; init; }
    [JsonPropertyName("closed_set_accuracy")] public double? ClosedSetAccuracy { get; init; }
    [JsonPropertyName("val_eer")] public double ValEer { get; init; }
    [JsonPropertyName("val_auc")] public double ValAuc { get; init; }
    /// <summary>The same pairs scored by negative Euclidean distance between the embeddings as trained (unit length only with <c>l2_embedding</c>).</summary>
    [JsonPropertyName("val_eer_euclidean")] public double? ValEerEuclidean { get; init; }
    [JsonPropertyName("lr")] public double? Lr { get; init; }
    [JsonPropertyName("images_per_second")] public double? ImagesPerSecond { get; init; }
    [JsonPropertyName("loader_images_per_second")] public double? LoaderImagesPerSecond { get; init; }
    [JsonPropertyName("rss_mb")] public double RssMb { get; init; }
    [JsonPropertyName("seconds")] public double Seconds { get; init; }
}
