using FaceGrains.Recognition.Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FaceGrains.Trainer.Backbones;

/// <summary>
/// The classic face-verification ResNet for small inputs: 3×3 conv stem with 64 channels, residual blocks
/// 64-64-128-128-256-256-512-512 (× width) with a stride-2 block at each channel change, mean over height
/// and width → 512-d (a linear projection when another embedding size is asked for).
/// </summary>
public sealed class SeedResNet : Backbone
{
    private static readonly int[] Channels = [64, 64, 128, 128, 256, 256, 512, 512];

    private readonly Conv2d stem;
    private readonly nn.Module<Tensor, Tensor> stem_norm;
    private readonly ModuleList<BasicBlock> blocks;
    private readonly Linear? projection;
    private readonly int _embedding;

    public SeedResNet(double width, int embeddingSize, string norm, double dropBlock) : base("seed-resnet")
    {
        var ch = Channels.Select(c => Math.Max(4, (int)Math.Round(c * width))).ToArray();
        stem = nn.Conv2d(3, ch[0], 3, padding: 1, bias: false);
        stem_norm = Norms.Create(norm, ch[0]);
        var list = new List<BasicBlock>();
        var previous = ch[0];
        for (var i = 0; i < ch.Length; i++)
        {
            var stride = ch[i] != previous ? 2 : 1;
            list.Add(new BasicBlock(previous, ch[i], stride, norm, i >= ch.Length - 4 ? dropBlock : 0));
            previous = ch[i];
        }

        blocks = new ModuleList<BasicBlock>([.. list]);
        _embedding = embeddingSize > 0 ? embeddingSize : previous;
        if (_embedding != previous)
        {
            projection = nn.Linear(previous, _embedding);
        }

        RegisterComponents();
    }

    public override int EmbeddingSize => _embedding;

    public override bool CanExport => true;

    public override Tensor forward(Tensor x)
    {
        x = nn.functional.relu(stem_norm.call(stem.call(x)));
        foreach (var block in blocks)
        {
            x = block.call(x);
        }

        x = x.mean([2, 3]);
        return projection is null ? x : projection.call(x);
    }

    public override string ExportOnnx(OnnxGraphBuilder g, string input)
    {
        var x = g.Relu(OnnxEmit.Norm(g, stem_norm, OnnxEmit.Conv(g, stem, input)));
        foreach (var block in blocks)
        {
            x = block.ExportOnnx(g, x);
        }

        x = g.Flatten(g.GlobalAveragePool(x));
        return projection is null ? x : OnnxEmit.Linear(g, projection, x);
    }

    /// <summary>conv3×3 → norm → ReLU → conv3×3 → norm, plus the input (1×1 conv + norm when the shape changes), → ReLU.</summary>
    public sealed class BasicBlock : nn.Module<Tensor, Tensor>
    {
        private readonly Conv2d conv1;
        private readonly nn.Module<Tensor, Tensor> norm1;
        private readonly Conv2d conv2;
        private readonly nn.Module<Tensor, Tensor> norm2;
        private readonly Conv2d? shortcut;
        private readonly nn.Module<Tensor, Tensor>? shortcut_norm;
        private readonly DropBlock drop;

        public BasicBlock(int cin, int cout, int stride, string norm, double dropBlock) : base(nameof(BasicBlock))
        {
            conv1 = nn.Conv2d(cin, cout, 3, stride: stride, padding: 1, bias: false);
            norm1 = Norms.Create(norm, cout);
            conv2 = nn.Conv2d(cout, cout, 3, padding: 1, bias: false);
            norm2 = Norms.Create(norm, cout);
            if (stride != 1 || cin != cout)
            {
                shortcut = nn.Conv2d(cin, cout, 1, stride: stride, bias: false);
                shortcut_norm = Norms.Create(norm, cout);
            }

            drop = new DropBlock(dropBlock);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            var main = nn.functional.relu(norm1.call(conv1.call(x)));
            main = drop.call(norm2.call(conv2.call(main)));
            var skip = shortcut is null ? x : shortcut_norm!.call(shortcut.call(x));
            return nn.functional.relu(main + skip);
        }

        public string ExportOnnx(OnnxGraphBuilder g, string x)
        {
            var main = g.Relu(OnnxEmit.Norm(g, norm1, OnnxEmit.Conv(g, conv1, x)));
            main = OnnxEmit.Norm(g, norm2, OnnxEmit.Conv(g, conv2, main));
            var skip = shortcut is null ? x : OnnxEmit.Norm(g, shortcut_norm!, OnnxEmit.Conv(g, shortcut, x));
            return g.Relu(g.Add(main, skip));
        }
    }
}
