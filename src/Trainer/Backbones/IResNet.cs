using FaceGrains.Recognition.Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FaceGrains.Trainer.Backbones;

/// <summary>
/// insightface-style IResNet: 3×3 stem (64) + BN + PReLU; four stages of IR blocks (64, 128, 256, 512, each
/// starting with stride 2); head BN → dropout → flatten → FC → BN1d (512-d). 112×112 input ends at 7×7.
/// </summary>
public sealed class IResNet : Backbone
{
    private readonly Conv2d stem;
    private readonly nn.Module<Tensor, Tensor> stem_norm;
    private readonly PReLU stem_act;
    private readonly ModuleList<IRBlock> blocks;
    private readonly nn.Module<Tensor, Tensor> head_norm;
    private readonly Dropout head_dropout;
    private readonly Linear fc;
    private readonly BatchNorm1d features;
    private readonly int _embedding;

    public IResNet(int[] units, int inputSize, double width, int embeddingSize, string norm, double dropout, double dropBlock) : base("iresnet")
    {
        int[] widths = [64, 128, 256, 512];
        var ch = widths.Select(c => Math.Max(4, (int)Math.Round(c * width))).ToArray();
        var c0 = Math.Max(4, (int)Math.Round(64 * width));
        stem = nn.Conv2d(3, c0, 3, padding: 1, bias: false);
        stem_norm = Norms.Create(norm, c0);
        stem_act = nn.PReLU(c0, 0.25);
        var list = new List<IRBlock>();
        var previous = c0;
        for (var s = 0; s < units.Length; s++)
        {
            for (var u = 0; u < units[s]; u++)
            {
                list.Add(new IRBlock(previous, ch[s], u == 0 ? 2 : 1, norm, s >= 2 ? dropBlock : 0));
                previous = ch[s];
            }
        }

        blocks = new ModuleList<IRBlock>([.. list]);
        var spatial = inputSize / 16;
        if (spatial < 1)
        {
            throw new ArgumentException($"iresnet needs an input of at least 16 pixels, not {inputSize}");
        }

        _embedding = embeddingSize > 0 ? embeddingSize : 512;
        head_norm = Norms.Create(norm, previous);
        head_dropout = nn.Dropout(dropout);
        fc = nn.Linear(previous * spatial * spatial, _embedding);
        features = nn.BatchNorm1d(_embedding);
        RegisterComponents();
    }

    public override int EmbeddingSize => _embedding;

    public override bool CanExport => true;

    public override Tensor forward(Tensor x)
    {
        x = stem_act.call(stem_norm.call(stem.call(x)));
        foreach (var block in blocks)
        {
            x = block.call(x);
        }

        x = head_dropout.call(head_norm.call(x)).flatten(1);
        return features.call(fc.call(x));
    }

    public override string ExportOnnx(OnnxGraphBuilder g, string input)
    {
        var x = OnnxEmit.PRelu(g, stem_act, OnnxEmit.Norm(g, stem_norm, OnnxEmit.Conv(g, stem, input)), spatial: true);
        foreach (var block in blocks)
        {
            x = block.ExportOnnx(g, x);
        }

        x = g.Flatten(OnnxEmit.Norm(g, head_norm, x));
        return OnnxEmit.Norm(g, features, OnnxEmit.Linear(g, fc, x));
    }

    /// <summary>BN → conv3×3 → BN → PReLU → conv3×3 (stride) → BN, plus the shortcut (1×1 conv + BN when the shape changes); no activation after the sum.</summary>
    public sealed class IRBlock : nn.Module<Tensor, Tensor>
    {
        private readonly nn.Module<Tensor, Tensor> norm0;
        private readonly Conv2d conv1;
        private readonly nn.Module<Tensor, Tensor> norm1;
        private readonly PReLU act;
        private readonly Conv2d conv2;
        private readonly nn.Module<Tensor, Tensor> norm2;
        private readonly Conv2d? shortcut;
        private readonly nn.Module<Tensor, Tensor>? shortcut_norm;
        private readonly DropBlock drop;

        public IRBlock(int cin, int cout, int stride, string norm, double dropBlock) : base(nameof(IRBlock))
        {
            norm0 = Norms.Create(norm, cin);
            conv1 = nn.Conv2d(cin, cout, 3, padding: 1, bias: false);
            norm1 = Norms.Create(norm, cout);
            act = nn.PReLU(cout, 0.25);
            conv2 = nn.Conv2d(cout, cout, 3, stride: stride, padding: 1, bias: false);
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
            var main = act.call(norm1.call(conv1.call(norm0.call(x))));
            main = drop.call(norm2.call(conv2.call(main)));
            var skip = shortcut is null ? x : shortcut_norm!.call(shortcut.call(x));
            return main + skip;
        }

        public string ExportOnnx(OnnxGraphBuilder g, string x)
        {
            var main = OnnxEmit.Conv(g, conv1, OnnxEmit.Norm(g, norm0, x));
            main = OnnxEmit.PRelu(g, act, OnnxEmit.Norm(g, norm1, main), spatial: true);
            main = OnnxEmit.Norm(g, norm2, OnnxEmit.Conv(g, conv2, main));
            var skip = shortcut is null ? x : OnnxEmit.Norm(g, shortcut_norm!, OnnxEmit.Conv(g, shortcut, x));
            return g.Add(main, skip);
        }
    }
}
