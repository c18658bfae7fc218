using FaceGrains.Recognition.Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FaceGrains.Trainer.Backbones;

/// <summary>
/// DenseNet-121 as in the Siamese DenseNet FaceID design: dense blocks 6-12-24-16 (growth 32, bottleneck 4×growth),
/// transitions halve channels and size; a 3×3 stem for inputs under 112 (7×7/2 + max pool otherwise);
/// BN-ReLU-mean → linear to a small embedding (default 128).
/// </summary>
public sealed class DenseNet : Backbone
{
    private readonly nn.Module<Tensor, Tensor> stem;
    private readonly ModuleList<nn.Module<Tensor, Tensor>> stages;
    private readonly nn.Module<Tensor, Tensor> final_norm;
    private readonly Linear fc;
    private readonly int _embedding;

    /// <summary>The growth rate at a width multiplier: 32 × width, at least 4 (width 1 is DenseNet-121's 32).</summary>
    public static int Growth(double width) => Math.Max(4, (int)Math.Round(32 * width));

    public DenseNet(int[] blockLayers, int growth, int inputSize, int embeddingSize, string norm, double dropBlock) : base("densenet121")
    {
        var channels = 2 * growth;
        stem = inputSize < 112
            ? nn.Sequential(("conv", nn.Conv2d(3, channels, 3, padding: 1, bias: false)))
            : nn.Sequential(("conv", nn.Conv2d(3, channels, 7, stride: 2, padding: 3, bias: false)), ("norm", Norms.Create(norm, channels)), ("relu", nn.ReLU()), ("pool", nn.MaxPool2d(3, 2, 1)));
        var list = new List<nn.Module<Tensor, Tensor>>();
        for (var b = 0; b < blockLayers.Length; b++)
        {
            list.Add(new DenseBlock(blockLayers[b], channels, growth, norm));
            channels += blockLayers[b] * growth;
            if (b < blockLayers.Length - 1)
            {
                list.Add(nn.Sequential(
                    ("norm", Norms.Create(norm, channels)),
                    ("relu", nn.ReLU()),
                    ("conv", nn.Conv2d(channels, channels / 2, 1, bias: false)),
                    ("drop", new DropBlock(b >= 1 ? dropBlock : 0)),
                    ("pool", nn.AvgPool2d(2, 2))));
                channels /= 2;
            }
        }

        stages = new ModuleList<nn.Module<Tensor, Tensor>>([.. list]);
        final_norm = Norms.Create(norm, channels);
        _embedding = embeddingSize > 0 ? embeddingSize : 128;
        fc = nn.Linear(channels, _embedding);
        RegisterComponents();
    }

    public override int EmbeddingSize => _embedding;

    public override bool CanExport => true;

    public override Tensor forward(Tensor x)
    {
        x = stem.call(x);
        foreach (var stage in stages)
        {
            x = stage.call(x);
        }

        return fc.call(nn.functional.relu(final_norm.call(x)).mean([2, 3]));
    }

    public override string ExportOnnx(OnnxGraphBuilder g, string input)
    {
        var x = ExportSequence(g, (Sequential)stem, input);
        foreach (var stage in stages)
        {
            x = stage is DenseBlock block ? block.ExportOnnx(g, x) : ExportSequence(g, (Sequential)stage, x);
        }

        x = g.ReduceMean(g.Relu(OnnxEmit.Norm(g, final_norm, x)), [2, 3], keepDims: false);
        return OnnxEmit.Linear(g, fc, x);
    }

    /// <summary>The stem, a transition or a dense layer: each child in order; pooling as the constructor builds it.</summary>
    private static string ExportSequence(OnnxGraphBuilder g, Sequential sequence, string x)
    {
        foreach (var (_, child) in sequence.named_children())
        {
            x = child switch
            {
                Conv2d conv => OnnxEmit.Conv(g, conv, x),
                ReLU => g.Relu(x),
                MaxPool2d => g.MaxPool(x, [3, 3], [2, 2], [1, 1, 1, 1]),
                AvgPool2d => g.AveragePool(x, [2, 2], [2, 2], [0, 0, 0, 0]),
                DropBlock => x,
                nn.Module<Tensor, Tensor> norm => OnnxEmit.Norm(g, norm, x),
                _ => throw new NotSupportedException($"densenet121 export does not know {child.GetType().Name}"),
            };
        }

        return x;
    }

    private sealed class DenseBlock : nn.Module<Tensor, Tensor>
    {
        private readonly ModuleList<nn.Module<Tensor, Tensor>> layers;

        public DenseBlock(int count, int channels, int growth, string norm) : base(nameof(DenseBlock))
        {
            var list = new List<nn.Module<Tensor, Tensor>>();
            for (var i = 0; i < count; i++)
            {
                var cin = channels + (i * growth);
                list.Add(nn.Sequential(
                    ("norm1", Norms.Create(norm, cin)),
                    ("relu1", nn.ReLU()),
                    ("conv1", nn.Conv2d(cin, 4 * growth, 1, bias: false)),
                    ("norm2", Norms.Create(norm, 4 * growth)),
                    ("relu2", nn.ReLU()),
                    ("conv2", nn.Conv2d(4 * growth, growth, 3, padding: 1, bias: false))));
            }

            layers = new ModuleList<nn.Module<Tensor, Tensor>>([.. list]);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            foreach (var layer in layers)
            {
                x = cat([x, layer.call(x)], 1);
            }

            return x;
        }

        public string ExportOnnx(OnnxGraphBuilder g, string x)
        {
            foreach (var layer in layers)
            {
                x = g.Concat(1, x, ExportSequence(g, (Sequential)layer, x));
            }

            return x;
        }
    }
}
