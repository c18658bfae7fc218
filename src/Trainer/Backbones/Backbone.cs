using FaceGrains.Recognition.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceGrains.Trainer.Backbones;

/// <summary>
/// A face embedding network: images [N, 3, H, W] (preprocessed as the manifest says) → embeddings [N, D].
/// Backbones that can write themselves as ONNX override <see cref="ExportOnnx"/>.
/// </summary>
public abstract class Backbone(string name) : nn.Module<Tensor, Tensor>(name)
{
    public abstract int EmbeddingSize { get; }

    public virtual bool CanExport => false;

    /// <summary>Adds this network to <paramref name="g"/> after <paramref name="input"/>; returns the embedding value's name.</summary>
    public virtual string ExportOnnx(OnnxGraphBuilder g, string input) =>
        throw new NotSupportedException($"backbone '{GetName()}' has no ONNX exporter");
}
