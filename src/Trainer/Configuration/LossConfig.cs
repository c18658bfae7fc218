using System.Text.Json.Serialization;

namespace FaceGrains.Trainer.Configuration;

/// <summary>One term of the (weighted, joint) training loss.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record LossConfig
{
    [JsonPropertyName("type")] public string Type { get; init; } = "arcface";
    [JsonPropertyName("weight")] public double Weight { get; init; } = 1.0;
    /// <summary>Logit scale s of the margin heads.</summary>
    [JsonPropertyName("scale")] public double Scale { get; init; } = 32;
    /// <summary>ArcFace/CosFace additive margin; SphereFace multiplicative margin; triplet/contrastive distance margin.</summary>
    [JsonPropertyName("margin")] public double? Margin { get; init; }
    [JsonPropertyName("m1")] public double M1 { get; init; } = 1.0;
    [JsonPropertyName("m2")] public double M2 { get; init; } = 0.3;
    [JsonPropertyName("m3")] public double M3 { get; init; } = 0.2;
    [JsonPropertyName("label_smoothing")] public double LabelSmoothing { get; init; }
    [JsonPropertyName("center_weight")] public double CenterWeight { get; init; } = 0.01;
    [JsonPropertyName("temperature")] public double Temperature { get; init; } = 0.1;
    /// <summary>Triplet mining: "hard" (each anchor's farthest positive and nearest negative) or "all" (every valid triplet, mean over those still violating the margin).</summary>
    [JsonPropertyName("mining")] public string Mining { get; init; } = "hard";
    /// <summary>SphereFace annealing: the fraction of training after which λ has fallen from 1000 to <see cref="LambdaMin"/>; 0 = no annealing.</summary>
    [JsonPropertyName("anneal")] public double Anneal { get; init; }
    /// <summary>SphereFace annealing: the last λ in s·(λ·cos θ + ψ(θ)) / (1 + λ).</summary>
    [JsonPropertyName("lambda_min")] public double LambdaMin { get; init; } = 5;

    public static readonly string[] Minings = ["hard", "all"];

    public static readonly string[] Types = ["softmax", "center", "arcface", "cosface", "sphereface", "combined", "triplet", "contrastive", "supcon"];

    public void Validate(List<string> errors, string where)
    {
        TrainingConfig.OneOf(errors, $"{where}.type", Type, Types);
        TrainingConfig.OneOf(errors, $"{where}.mining", Mining, Minings);
        TrainingConfig.Range(errors, $"{where}.weight", Weight, 0, 1000);
        TrainingConfig.Range(errors, $"{where}.scale", Scale, 0.01, 1000);
        TrainingConfig.Range(errors, $"{where}.label_smoothing", LabelSmoothing, 0, 0.99);
        TrainingConfig.Range(errors, $"{where}.temperature", Temperature, 1e-4, 100);
        TrainingConfig.Range(errors, $"{where}.center_weight", CenterWeight, 0, 1000);
        TrainingConfig.Range(errors, $"{where}.anneal", Anneal, 0, 1);
        TrainingConfig.Range(errors, $"{where}.lambda_min", LambdaMin, 0.01, 1000);
        if (Margin is { } m)
        {
            TrainingConfig.Range(errors, $"{where}.margin", m, 0, 10);
        }
    }

    public bool NeedsClasses => Type is "softmax" or "center" or "arcface" or "cosface" or "sphereface" or "combined";
}
