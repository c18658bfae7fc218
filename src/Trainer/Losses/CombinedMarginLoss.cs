using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FaceGrains.Trainer.Losses;

/// <summary>
/// The combined margin: target logit s·(cos(m1·θ + m2) − m3). (m1, m2, m3) = (1, m, 0) is ArcFace, (1, 0, m)
/// CosFace, (m, 0, 0) SphereFace without its monotonic extension. Past m1·θ + m2 &gt; π the target falls back
/// to s·(cos θ − m3 − m2·sin m2), as in ArcFace.
/// </summary>
public sealed class CombinedMarginLoss : EmbeddingLoss
{
    private readonly Parameter weight;
    private readonly double _s;
    private readonly double _m1;
    private readonly double _m2;
    private readonly double _m3;

    public CombinedMarginLoss(int classes, int dim, double scale, double m1, double m2, double m3) : base(nameof(CombinedMarginLoss))
    {
        weight = CosineClassifier.CreateWeight(classes, dim);
        _s = scale;
        _m1 = m1;
        _m2 = m2;
        _m3 = m3;
        RegisterComponents();
    }

    public Parameter Weight => weight;

    public override Tensor Logits(Tensor embeddings) => CosineClassifier.Cosine(embeddings, weight);

    public override Tensor forward(Tensor embeddings, Tensor labels)
    {
        var cos = CosineClassifier.Cosine(embeddings, weight);
        var angle = (cos.acos() * _m1) + _m2;
        var target = where(angle <= Math.PI, angle.cos() - _m3, cos - _m3 - (_m2 * Math.Sin(_m2)));
        var logits = CosineClassifier.ReplaceTarget(cos, labels, target) * _s;
        return nn.functional.cross_entropy(logits, labels);
    }
}
