using TorchSharp;
using static TorchSharp.torch;

namespace FaceGrains.Trainer.Losses;

/// <summary>
/// A training loss on a batch of embeddings [N, D] and identity labels [N]. Classification losses own a
/// class-weight matrix (their "head"); <see cref="Logits"/> gives closed-set predictions where there is one.
/// </summary>
public abstract class EmbeddingLoss(string name) : nn.Module<Tensor, Tensor, Tensor>(name)
{
    public virtual Tensor? Logits(Tensor embeddings) => null;

    /// <summary>Where training stands (0 at the first step, 1 after the last), for losses that anneal; most ignore it.</summary>
    public virtual void SetProgress(double fraction)
    {
    }
}
