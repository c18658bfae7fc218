using FaceGrains.Recognition.Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FaceGrains.Trainer.Backbones;

/// <summary>
/// A small ConvNeXt-style net for face crops: 2×2/2 patch stem; stages 2-2-4-2 of blocks (7×7 depthwise conv →
/// LayerNorm over channels → 1×1 expansion ×4 → GELU → 1×1 back, residual) at 48-96-192-384 channels (× width),
/// LayerNorm + 2×2/2 conv between stages; mean → LayerNorm → linear (default 256-d).
/// </summary>
public sealed class ConvNeXtSmall : Backbone
{
    /// <summary>NCHW → NHWC, for the layers that act on the channel axis as the last one.</summary>
    private static readonly int[] ToChannelsLast = [0, 2, 3, 1];

    private static readonly int[] ToChannelsFirst = [0, 3, 1, 2];

    private readonly Conv2d stem;
    private readonly ChannelLayerNorm stem_norm;
    private readonly ModuleList<nn.Module<Tensor, Tensor>> stages;
    private readonly LayerNorm head_norm;
    private readonly Linear fc;
    private readonly int _embedding;

    public ConvNeXtSmall(double width, int embeddingSize, double dropBlock) : base("convnext-small")
    {
        int[] depths = [2, 2, 4, 2];
        var dims = new[] { 48, 96, 192, 384 }.Select(d => Math.Max(8, (int)Math.Round(d * width))).ToArray();
        stem = nn.Conv2d(3, dims[0], 2, stride: 2);
        stem_norm = new ChannelLayerNorm(dims[0]);
        var list = new List<nn.Module<Tensor, Tensor>>();
        for (var s = 0; s < depths.Length; s++)
        {
            if (s > 0)
            {
                list.Add(nn.Sequential(("norm", new ChannelLayerNorm(dims[s - 1])), ("conv", nn.Conv2d(dims[s - 1], dims[s], 2, stride: 2))));
            }

            for (var d = 0; d < depths[s]; d++)
            {
                list.Add(new Block(dims[s]));
            }

            if (s >= 2 && dropBlock > 0)
            {
                list.Add(new DropBlock(dropBlock));
            }
        }

        stages = new ModuleList<nn.Module<Tensor, Tensor>>([.. list]);
        head_norm = nn.LayerNorm(dims[^1]);
        _embedding = embeddingSize > 0 ? embeddingSize : 256;
        fc = nn.Linear(dims[^1], _embedding);
        RegisterComponents();
    }

    public override int EmbeddingSize => _embedding;

    public override bool CanExport => true;

    public override Tensor forward(Tensor x)
    {
        x = stem_norm.call(stem.call(x));
        foreach (var stage in stages)
        {
            x = stage.call(x);
        }

        return fc.call(head_norm.call(x.mean([2, 3])));
    }

    public override string ExportOnnx(OnnxGraphBuilder g, string input)
    {
        var x = stem_norm.ExportOnnx(g, OnnxEmit.Conv(g, stem, input));
        foreach (var stage in stages)
        {
            x = stage switch
            {
                Block block => block.ExportOnnx(g, x),
                DropBlock => x,
                Sequential downsample => ExportDownsample(g, downsample, x),
                _ => throw new NotSupportedException($"convnext-small export does not know {stage.GetType().Name}"),
            };
        }

        x = OnnxEmit.LayerNorm(g, head_norm, g.ReduceMean(x, [2, 3], keepDims: false));
        return OnnxEmit.Linear(g, fc, x);
    }

    private static string ExportDownsample(OnnxGraphBuilder g, Sequential downsample, string x)
    {
        foreach (var (_, child) in downsample.named_children())
        {
            x = child switch
            {
                ChannelLayerNorm norm => norm.ExportOnnx(g, x),
                Conv2d conv => OnnxEmit.Conv(g, conv, x),
                _ => throw new NotSupportedException($"convnext-small export does not know {child.GetType().Name}"),
            };
        }

        return x;
    }

    /// <summary>LayerNorm over the channel axis of an NCHW map.</summary>
    private sealed class ChannelLayerNorm : nn.Module<Tensor, Tensor>
    {
        private readonly LayerNorm norm;

        public ChannelLayerNorm(int channels) : base(nameof(ChannelLayerNorm))
        {
            norm = nn.LayerNorm(channels);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => norm.call(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2);

        public string ExportOnnx(OnnxGraphBuilder g, string x) =>
            g.Transpose(OnnxEmit.LayerNorm(g, norm, g.Transpose(x, ToChannelsLast)), ToChannelsFirst);
    }

    private sealed class Block : nn.Module<Tensor, Tensor>
    {
        private readonly Conv2d dwconv;
        private readonly LayerNorm norm;
        private readonly Linear expand;
        private readonly Linear project;

        public Block(int dim) : base(nameof(Block))
        {
            dwconv = nn.Conv2d(dim, dim, 7, padding: 3, groups: dim);
            norm = nn.LayerNorm(dim);
            expand = nn.Linear(dim, 4 * dim);
            project = nn.Linear(4 * dim, dim);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            var y = dwconv.call(x).permute(0, 2, 3, 1);
            y = project.call(nn.functional.gelu(expand.call(norm.call(y))));
            return x + y.permute(0, 3, 1, 2);
        }

        public string ExportOnnx(OnnxGraphBuilder g, string x)
        {
            var y = g.Transpose(OnnxEmit.Conv(g, dwconv, x), ToChannelsLast);
            y = OnnxEmit.LinearLastAxis(g, project, g.Gelu(OnnxEmit.LinearLastAxis(g, expand, OnnxEmit.LayerNorm(g, norm, y))));
            return g.Add(x, g.Transpose(y, ToChannelsFirst));
        }
    }
}
