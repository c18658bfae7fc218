using static TorchSharp.torch;

namespace FaceGrains.Trainer.Losses;

internal static class PairwiseDistances
{
    /// <summary>Euclidean distances [N, N]; the ε inside the root keeps the gradient finite on the diagonal.</summary>
    public static Tensor Euclidean(Tensor x)
    {
        var sq = x.pow(2).sum(1, keepdim: true);
        var d2 = (sq + sq.t() - (2 * x.matmul(x.t()))).clamp_min(0);
        return (d2 + 1e-12).sqrt();
    }

    public static Tensor SameLabel(Tensor labels) => labels.unsqueeze(1).eq(labels.unsqueeze(0));
}
