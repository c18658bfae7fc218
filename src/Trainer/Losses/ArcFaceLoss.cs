using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FaceGrains.Trainer.Losses;

/// <summary>
/// ArcFace: the target logit becomes s·cos(θ + m). Where θ + m would pass π (cos θ &lt; cos(π − m)) the
/// function stops decreasing, so the usual fallback s·(cos θ − m·sin m) keeps it monotonic.
/// </summary>
public sealed class ArcFaceLoss : EmbeddingLoss
{
    private readonly Parameter weight;
    private readonly double _s;
    private readonly double _m;

    public ArcFaceLoss(int classes, int dim, double scale, double margin) : base(nameof(ArcFaceLoss))
    {
        weight = CosineClassifier.CreateWeight(classes, dim);
        _s = scale;
        _m = margin;
        RegisterComponents();
    }

    public Parameter Weight => weight;

    public override Tensor Logits(Tensor embeddings) => CosineClassifier.Cosine(embeddings, weight);

    public override Tensor forward(Tensor embeddings, Tensor labels)
    {
        var cos = CosineClassifier.Cosine(embeddings, weight);
        var sin = (1 - cos.pow(2)).clamp_min(0).sqrt();
        var withMargin = (cos * Math.Cos(_m)) - (sin * Math.Sin(_m));
        var fallback = cos - (_m * Math.Sin(_m));
        var target = where(cos > Math.Cos(Math.PI - _m), withMargin, fallback);
        var logits = CosineClassifier.ReplaceTarget(cos, labels, target) * _s;
        return nn.functional.cross_entropy(logits, labels);
    }
}
