using System.Text.Json.Serialization;

namespace FaceGrains.Trainer.Training;

/// <summary>What `run --json` prints at the end (also saved as run.json).</summary>
public sealed record RunSummary
{
    [JsonPropertyName("run")] public string Run { get; init; } = "";
    [JsonPropertyName("epochs")] public int Epochs { get; init; }
    [JsonPropertyName("initial_val_eer")] public double InitialValEer { get; init; }
    [JsonPropertyName("final_val_eer")] public double FinalValEer { get; init; }
    [JsonPropertyName("final_val_auc")] public double FinalValAuc { get; init; }
    [JsonPropertyName("final_closed_set_accuracy")] public double? FinalClosedSetAccuracy { get; init; }
    [JsonPropertyName("first_epoch_loss")] public double? FirstEpochLoss { get; init; }
    [JsonPropertyName("final_loss")] public double? FinalLoss { get; init; }
    [JsonPropertyName("images_per_second")] public double ImagesPerSecond { get; init; }
    [JsonPropertyName("loader_images_per_second")] public double LoaderImagesPerSecond { get; init; }
    [JsonPropertyName("rss_mb_at_step")] public Dictionary<string, double> RssMbAtStep { get; init; } = [];
    [JsonPropertyName("skipped_images")] public int SkippedImages { get; init; }
    [JsonPropertyName("train_images")] public int TrainImages { get; init; }
    [JsonPropertyName("train_identities")] public int TrainIdentities { get; init; }
    [JsonPropertyName("validation_images")] public int ValidationImages { get; init; }
}
