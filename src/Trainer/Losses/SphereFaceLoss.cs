using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FaceGrains.Trainer.Losses;

/// <summary>
/// SphereFace (multiplicative angular margin) on normalised features: the target logit becomes s·ψ(θ) with
/// ψ(θ) = (−1)^k·cos(mθ) − 2k, k = ⌊mθ/π⌋, which extends cos(mθ) monotonically over [0, π].
/// </summary>
public sealed class SphereFaceLoss : EmbeddingLoss
{
    private readonly Parameter weight;
    private readonly double _s;
    private readonly double _m;

    public SphereFaceLoss(int classes, int dim, double scale, double margin) : base(nameof(SphereFaceLoss))
    {
        weight = CosineClassifier.CreateWeight(classes, dim);
        _s = scale;
        _m = margin;
        RegisterComponents();
    }

    public Parameter Weight => weight;

    public override Tensor Logits(Tensor embeddings) => CosineClassifier.Cosine(embeddings, weight);

    public static Tensor Psi(Tensor cos, double m)
    {
        var mTheta = cos.acos() * m;
        var k = (mTheta / Math.PI).floor();
        var sign = 1 - (2 * k.remainder(2));
        return (sign * mTheta.cos()) - (2 * k);
    }

    public override Tensor forward(Tensor embeddings, Tensor labels)
    {
        var cos = CosineClassifier.Cosine(embeddings, weight);
        var logits = CosineClassifier.ReplaceTarget(cos, labels, Psi(cos, _m)) * _s;
        return nn.functional.cross_entropy(logits, labels);
    }
}
