using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FaceGrains.Trainer.Losses;

/// <summary>Shared piece of the margin heads: cos θ between L2-normalised embeddings and class centres W.</summary>
internal static class CosineClassifier
{
    public static Parameter CreateWeight(int classes, int dim)
    {
        var w = empty(classes, dim);
        nn.init.normal_(w, 0, 0.01);
        return new Parameter(w);
    }

    public static Tensor Cosine(Tensor embeddings, Tensor weight) =>
        nn.functional.normalize(embeddings, p: 2, dim: 1).matmul(nn.functional.normalize(weight, p: 2, dim: 1).t()).clamp(-1 + 1e-7, 1 - 1e-7);

    /// <summary>Replaces each row's target-class logit with <paramref name="target"/>'s value.</summary>
    public static Tensor ReplaceTarget(Tensor logits, Tensor labels, Tensor target)
    {
        var oneHot = nn.functional.one_hot(labels, logits.shape[1]).to_type(ScalarType.Bool);
        return where(oneHot, target, logits);
    }
}
