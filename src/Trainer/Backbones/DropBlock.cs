using TorchSharp;
using static TorchSharp.torch;

namespace FaceGrains.Trainer.Backbones;

/// <summary>
/// DropBlock: in training, drops contiguous block×block squares of a feature map (seed rate chosen so that
/// about <c>dropProbability</c> of the units are dropped) and rescales the rest; the identity in evaluation and export.
/// </summary>
public sealed class DropBlock(double dropProbability, int block = 3) : nn.Module<Tensor, Tensor>(nameof(DropBlock))
{
    public override Tensor forward(Tensor x)
    {
        if (!training || dropProbability <= 0)
        {
            // A new handle, not x itself: Sequential disposes a layer's input once the layer has answered.
            return x.alias();
        }

        var h = x.shape[2];
        var w = x.shape[3];
        var b = Math.Min(block, Math.Min(h, w));
        var gamma = dropProbability / (b * b) * (h * w) / Math.Max(1, (h - b + 1) * (w - b + 1));
        var seeds = (rand_like(x) < gamma).to_type(x.dtype);
        var blocks = nn.functional.max_pool2d(seeds, kernel_size: b, stride: 1, padding: b / 2);
        if (b % 2 == 0)
        {
            blocks = blocks[.., .., ..(int)h, ..(int)w];
        }

        var keep = 1 - blocks;
        return x * keep * (keep.numel() / keep.sum().clamp_min(1));
    }
}
