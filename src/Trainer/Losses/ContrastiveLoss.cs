using TorchSharp;
using static TorchSharp.torch;

namespace FaceGrains.Trainer.Losses;

/// <summary>
/// The Siamese pairwise contrastive loss on L2-normalised embeddings, over every pair i &lt; j in the batch:
/// ½·d² for same-identity pairs, ½·max(0, margin − d)² for different ones; positive and negative pairs are
/// averaged separately and the two means added, so the batch's many negatives do not drown its positives.
/// </summary>
public sealed class ContrastiveLoss(double margin) : EmbeddingLoss(nameof(ContrastiveLoss))
{
    public override Tensor forward(Tensor embeddings, Tensor labels)
    {
        var d = PairwiseDistances.Euclidean(nn.functional.normalize(embeddings, p: 2, dim: 1));
        var n = labels.shape[0];
        var upper = ones(n, n, dtype: ScalarType.Bool, device: labels.device).triu(1);
        var same = PairwiseDistances.SameLabel(labels);
        var pos = same.logical_and(upper);
        var neg = same.logical_not().logical_and(upper);
        var posTerm = (0.5 * d.pow(2)).masked_select(pos);
        var negTerm = (0.5 * (margin - d).clamp_min(0).pow(2)).masked_select(neg);
        var total = zeros(1, device: embeddings.device).squeeze();
        if (posTerm.numel() > 0)
        {
            total = total + posTerm.mean();
        }

        if (negTerm.numel() > 0)
        {
            total = total + negTerm.mean();
        }

        return total;
    }
}
