using TorchSharp;
using static TorchSharp.torch;

namespace FaceGrains.Trainer.Losses;

/// <summary>
/// Triplet loss with batch-hard mining on L2-normalised embeddings: for each anchor the farthest positive and
/// the nearest negative in the batch, mean of max(0, d(a,p) − d(a,n) + margin) over anchors that have both.
/// </summary>
public sealed class TripletLoss(double margin) : EmbeddingLoss(nameof(TripletLoss))
{
    public override Tensor forward(Tensor embeddings, Tensor labels)
    {
        var d = PairwiseDistances.Euclidean(nn.functional.normalize(embeddings, p: 2, dim: 1));
        var same = PairwiseDistances.SameLabel(labels);
        var eye = torch.eye(labels.shape[0], dtype: ScalarType.Bool, device: labels.device);
        var positive = same.logical_and(eye.logical_not());
        var hardestPositive = where(positive, d, zeros_like(d)).max(1).values;
        var hardestNegative = where(same, full_like(d, 1e6), d).min(1).values;
        var valid = positive.any(1).logical_and(same.logical_not().any(1));
        var losses = (hardestPositive - hardestNegative + margin).clamp_min(0);
        return losses.masked_select(valid).mean();
    }
}
