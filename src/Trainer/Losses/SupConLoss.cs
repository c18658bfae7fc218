using TorchSharp;
using static TorchSharp.torch;

namespace FaceGrains.Trainer.Losses;

/// <summary>
/// Supervised contrastive loss: z = normalised embeddings, s_ij = z_i·z_j / τ; for each anchor i with
/// positives P(i): −(1/|P(i)|)·Σ_p log(exp(s_ip) / Σ_{k≠i} exp(s_ik)); mean over anchors that have positives.
/// </summary>
public sealed class SupConLoss(double temperature) : EmbeddingLoss(nameof(SupConLoss))
{
    public override Tensor forward(Tensor embeddings, Tensor labels)
    {
        var z = nn.functional.normalize(embeddings, p: 2, dim: 1);
        var s = z.matmul(z.t()) / temperature;
        var n = labels.shape[0];
        var eye = torch.eye(n, dtype: ScalarType.Bool, device: labels.device);
        var logits = s.masked_fill(eye, -1e9);
        var logProb = logits - logits.logsumexp(1, keepdim: true);
        var positive = PairwiseDistances.SameLabel(labels).logical_and(eye.logical_not()).to_type(ScalarType.Float32);
        var count = positive.sum(1);
        var has = count > 0;
        var perAnchor = -(logProb.masked_fill(eye, 0) * positive).sum(1) / count.clamp_min(1);
        return perAnchor.masked_select(has).mean();
    }
}
