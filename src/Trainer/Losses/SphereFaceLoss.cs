using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FaceGrains.Trainer.Losses;

/// <summary>
/// SphereFace (multiplicative angular margin) on normalised features: the target logit becomes s·ψ(θ) with
/// ψ(θ) = (−1)^k·cos(mθ) − 2k, k = ⌊mθ/π⌋, which extends cos(mθ) monotonically over [0, π].
/// With annealing (SphereFace's training trick), the target logit is s·(λ·cos θ + ψ(θ)) / (1 + λ), λ falling as
/// λ₀ / (1 + γ·t) from λ₀ = 1000 (nearly plain normalised softmax) to <c>lambda_min</c>, reached after the fraction
/// <c>anneal</c> of training; γ follows from that point. Without annealing the target is s·ψ(θ).
/// </summary>
public sealed class SphereFaceLoss : EmbeddingLoss
{
    private readonly Parameter weight;
    private readonly double _s;
    private readonly double _m;
    private readonly double _anneal;
    private readonly double _lambdaMin;

    public const double LambdaStart = 1000;

    public SphereFaceLoss(int classes, int dim, double scale, double margin, double anneal = 0, double lambdaMin = 5) : base(nameof(SphereFaceLoss))
    {
        weight = CosineClassifier.CreateWeight(classes, dim);
        _s = scale;
        _m = margin;
        _anneal = anneal;
        _lambdaMin = lambdaMin;
        Lambda = anneal > 0 ? LambdaStart : 0;
        RegisterComponents();
    }

    /// <summary>The current λ (0 without annealing).</summary>
    public double Lambda { get; private set; }

    /// <summary>λ(p) = λ₀ / (1 + γ·p) with γ such that λ(anneal) = lambda_min; never below lambda_min.</summary>
    public static double AnnealedLambda(double progress, double anneal, double lambdaMin)
    {
        var gamma = ((LambdaStart / lambdaMin) - 1) / anneal;
        return Math.Max(lambdaMin, LambdaStart / (1 + (gamma * Math.Max(0, progress))));
    }

    public override void SetProgress(double fraction)
    {
        if (_anneal > 0)
        {
            Lambda = AnnealedLambda(fraction, _anneal, _lambdaMin);
        }
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
        var psi = Psi(cos, _m);
        var target = Lambda > 0 ? ((cos * Lambda) + psi) / (1 + Lambda) : psi;
        var logits = CosineClassifier.ReplaceTarget(cos, labels, target) * _s;
        return nn.functional.cross_entropy(logits, labels);
    }
}
