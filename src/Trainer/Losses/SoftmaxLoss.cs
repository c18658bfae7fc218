using TorchSharp;
using static TorchSharp.torch;

namespace FaceGrains.Trainer.Losses;

/// <summary>Linear classifier + softmax cross-entropy, with optional label smoothing.</summary>
public sealed class SoftmaxLoss : EmbeddingLoss
{
    private readonly nn.Module<Tensor, Tensor> fc;
    private readonly double _smoothing;

    public SoftmaxLoss(int classes, int dim, double labelSmoothing) : base(nameof(SoftmaxLoss))
    {
        fc = nn.Linear(dim, classes);
        _smoothing = labelSmoothing;
        RegisterComponents();
    }

    public nn.Module<Tensor, Tensor> Classifier => fc;

    public override Tensor Logits(Tensor embeddings) => fc.call(embeddings);

    public override Tensor forward(Tensor embeddings, Tensor labels) =>
        nn.functional.cross_entropy(fc.call(embeddings), labels, label_smoothing: _smoothing);
}
