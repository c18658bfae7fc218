using System.Text.Json.Serialization;

namespace FaceGrains.Trainer.Configuration;

/// <summary>Training-time augmentations; each is off at 0 / false.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record AugmentConfig
{
    /// <summary>Smallest crop side as a fraction of the (base-cropped) face; 1 turns random resized crop off.</summary>
    [JsonPropertyName("crop_min_scale")] public double CropMinScale { get; init; } = 0.8;
    [JsonPropertyName("crop_max_shift")] public double CropMaxShift { get; init; } = 0.08;
    [JsonPropertyName("flip")] public bool Flip { get; init; } = true;
    /// <summary>Brightness, contrast and saturation factors drawn from [1 − j, 1 + j].</summary>
    [JsonPropertyName("color_jitter")] public double ColorJitter { get; init; } = 0.2;
    [JsonPropertyName("greyscale")] public double Greyscale { get; init; } = 0.1;
    [JsonPropertyName("random_erasing")] public double RandomErasing { get; init; }

    public void Validate(List<string> errors)
    {
        TrainingConfig.Range(errors, "augment.crop_min_scale", CropMinScale, 0.2, 1);
        TrainingConfig.Range(errors, "augment.crop_max_shift", CropMaxShift, 0, 0.5);
        TrainingConfig.Range(errors, "augment.color_jitter", ColorJitter, 0, 0.9);
        TrainingConfig.Range(errors, "augment.greyscale", Greyscale, 0, 1);
        TrainingConfig.Range(errors, "augment.random_erasing", RandomErasing, 0, 1);
    }

    public static AugmentConfig None { get; } = new() { CropMinScale = 1, CropMaxShift = 0, Flip = false, ColorJitter = 0, Greyscale = 0, RandomErasing = 0 };
}
