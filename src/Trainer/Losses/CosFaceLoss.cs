using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FaceGrains.Trainer.Losses;

/// <summary>CosFace (large margin cosine loss): the target logit becomes s·(cos θ − m).</summary>
public sealed class CosFaceLoss : EmbeddingLoss
{
    private readonly Parameter weight;
    private readonly double _s;
    private readonly double _m;

    public CosFaceLoss(int classes, int dim, double scale, double margin) : base(nameof(CosFaceLoss))
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
        var logits = CosineClassifier.ReplaceTarget(cos, labels, cos - _m) * _s;
        return nn.functional.cross_entropy(logits, labels);
    }
}
