using FaceGrains.Trainer.Configuration;

namespace FaceGrains.Trainer.Losses;

/// <summary>Builds the configured loss terms; one term is used as is, several become a <see cref="JointLoss"/>.</summary>
public static class LossFactory
{
    public static EmbeddingLoss Create(IReadOnlyList<LossConfig> configs, int classes, int dim)
    {
        var parts = configs.Select(c => (Create(c, classes, dim), c.Weight)).ToList();
        return parts.Count == 1 && parts[0].Weight == 1.0 ? parts[0].Item1 : new JointLoss(parts);
    }

    public static EmbeddingLoss Create(LossConfig c, int classes, int dim) => c.Type switch
    {
        "softmax" => new SoftmaxLoss(classes, dim, c.LabelSmoothing),
        "center" => new CenterLoss(classes, dim, c.CenterWeight, c.LabelSmoothing),
        "arcface" => new ArcFaceLoss(classes, dim, c.Scale, c.Margin ?? 0.5),
        "cosface" => new CosFaceLoss(classes, dim, c.Scale, c.Margin ?? 0.35),
        "sphereface" => new SphereFaceLoss(classes, dim, c.Scale, c.Margin ?? 1.35, c.Anneal, c.LambdaMin),
        "combined" => new CombinedMarginLoss(classes, dim, c.Scale, c.M1, c.M2, c.M3),
        "triplet" => new TripletLoss(c.Margin ?? 0.3, c.Mining == "all"),
        "contrastive" => new ContrastiveLoss(c.Margin ?? 1.0),
        "supcon" => new SupConLoss(c.Temperature),
        _ => throw new ConfigException($"loss type '{c.Type}' is not one of: {string.Join(", ", LossConfig.Types)}"),
    };
}
