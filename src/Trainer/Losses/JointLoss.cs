using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FaceGrains.Trainer.Losses;

/// <summary>Σ wᵢ·lossᵢ (e.g. 0.7·CE + 0.3·triplet); closed-set logits come from the first term that has them.</summary>
public sealed class JointLoss : EmbeddingLoss
{
    private readonly ModuleList<EmbeddingLoss> terms;
    private readonly double[] _weights;

    public JointLoss(IReadOnlyList<(EmbeddingLoss Loss, double Weight)> parts) : base(nameof(JointLoss))
    {
        terms = new ModuleList<EmbeddingLoss>(parts.Select(p => p.Loss).ToArray());
        _weights = parts.Select(p => p.Weight).ToArray();
        RegisterComponents();
    }

    public override Tensor? Logits(Tensor embeddings)
    {
        foreach (var term in terms)
        {
            var logits = term.Logits(embeddings);
            if (logits is not null)
            {
                return logits;
            }
        }

        return null;
    }

    public override void SetProgress(double fraction)
    {
        foreach (var term in terms)
        {
            term.SetProgress(fraction);
        }
    }

    public override Tensor forward(Tensor embeddings, Tensor labels)
    {
        Tensor? total = null;
        for (var i = 0; i < terms.Count; i++)
        {
            var part = terms[i].call(embeddings, labels) * _weights[i];
            total = total is null ? part : total + part;
        }

        return total!;
    }
}
