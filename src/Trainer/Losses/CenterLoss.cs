using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FaceGrains.Trainer.Losses;

/// <summary>
/// Softmax cross-entropy plus λ × center loss: ½ · mean over the batch of ‖x − c_y‖², with learned class centres c.
/// </summary>
public sealed class CenterLoss : EmbeddingLoss
{
    private readonly SoftmaxLoss softmax;
    private readonly Parameter centers;
    private readonly double _lambda;

    public CenterLoss(int classes, int dim, double lambda, double labelSmoothing) : base(nameof(CenterLoss))
    {
        softmax = new SoftmaxLoss(classes, dim, labelSmoothing);
        centers = new Parameter(zeros(classes, dim));
        _lambda = lambda;
        RegisterComponents();
    }

    public Parameter Centers => centers;
    public SoftmaxLoss Softmax => softmax;

    public override Tensor Logits(Tensor embeddings) => softmax.Logits(embeddings);

    public static Tensor CenterTerm(Tensor embeddings, Tensor labels, Tensor centers) =>
        (embeddings - centers.index_select(0, labels)).pow(2).sum(1).mean() * 0.5;

    public override Tensor forward(Tensor embeddings, Tensor labels) =>
        softmax.call(embeddings, labels) + (CenterTerm(embeddings, labels, centers) * _lambda);
}
