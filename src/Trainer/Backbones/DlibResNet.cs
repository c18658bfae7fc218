using FaceGrains.Recognition;
using FaceGrains.Recognition.Importers;
using FaceGrains.Recognition.Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FaceGrains.Trainer.Backbones;

/// <summary>
/// The imported model's architecture (dlib ResNet as face-api.js ships it; see FaceRecognitionNetGraph): 7×7
/// stride-2 conv, 3×3 max pool, residual blocks 32/64/128/256 whose down-sampling blocks add a 2×2 average
/// pooled, channel-zero-padded skip; global mean; 256→128 matrix. Every conv carries a bias (TF's bias and
/// scale layers folded in). With init "faceapi" it starts from the imported weights, for fine-tuning.
/// </summary>
public sealed class DlibResNet : Backbone
{
    public const int InputSize = 150;

    private static readonly (string Name, bool Down)[] Layout =
    [
        ("conv32_1", false), ("conv32_2", false), ("conv32_3", false),
        ("conv64_down", true), ("conv64_1", false), ("conv64_2", false), ("conv64_3", false),
        ("conv128_down", true), ("conv128_1", false), ("conv128_2", false),
        ("conv256_down", true), ("conv256_1", false), ("conv256_2", false),
        ("conv256_down_out", true),
    ];

    private readonly Conv2d conv32_down;
    private readonly ModuleDict<Conv2d> convs;
    private readonly Parameter fc;

    private DlibResNet() : base("dlib-resnet")
    {
        conv32_down = nn.Conv2d(3, 32, 7, stride: 2);
        var dict = new List<(string, Conv2d)>();
        var channels = 32;
        foreach (var (name, down) in Layout)
        {
            var cout = int.Parse(name.AsSpan(4, name.IndexOf('_', StringComparison.Ordinal) - 4), System.Globalization.CultureInfo.InvariantCulture);
            dict.Add(($"{name}_conv1", nn.Conv2d(channels, cout, 3, stride: down ? 2 : 1, padding: down ? 0 : 1)));
            dict.Add(($"{name}_conv2", nn.Conv2d(cout, cout, 3, padding: 1)));
            channels = cout;
        }

        convs = new ModuleDict<Conv2d>();
        foreach (var (key, conv) in dict)
        {
            convs.Add(key, conv);
        }
        var w = empty(256, 128);
        nn.init.normal_(w, 0, 1.0 / 16);
        fc = new Parameter(w);
        RegisterComponents();
    }

    public override int EmbeddingSize => 128;

    public override bool CanExport => true;

    public static DlibResNet Create(string init, Action<string>? log)
    {
        var net = new DlibResNet();
        if (init == "faceapi")
        {
            net.LoadFaceApiWeights(ReadFaceApiWeights(log));
        }

        return net;
    }

    /// <summary>The face-api.js package's TFJS tensors (fetched with npm into the FaceGrains cache, integrity-checked).</summary>
    public static IReadOnlyDictionary<string, TfjsTensor> ReadFaceApiWeights(Action<string>? log)
    {
        var home = FaceGrainsHome.Resolve();
        var package = NpmPackage.Fetch(FaceApiImporter.PackageSpec, FaceApiImporter.PackageIntegrity, Path.Combine(home.CacheDirectory, "npm"), log);
        var manifest = System.Text.Encoding.UTF8.GetString(package.ReadFile("model/face_recognition_model-weights_manifest.json"));
        return TfjsWeights.Read(manifest, path => package.ReadFile($"model/{path}"));
    }

    public void LoadFaceApiWeights(IReadOnlyDictionary<string, TfjsTensor> weights)
    {
        using var noGrad = no_grad();
        Load(conv32_down, weights, "conv32_down");
        foreach (var (name, _) in Layout)
        {
            Load(convs[$"{name}_conv1"], weights, $"{name}/conv1");
            Load(convs[$"{name}_conv2"], weights, $"{name}/conv2");
        }

        var f = weights["fc"];
        fc.copy_(tensor(f.Values, [f.Shape[0], f.Shape[1]]));
    }

    /// <summary>TF filters [kh, kw, in, out] × scale → [out, in, kh, kw]; bias·scale + scale bias.</summary>
    private static void Load(Conv2d conv, IReadOnlyDictionary<string, TfjsTensor> weights, string name)
    {
        var filters = weights[$"{name}/conv/filters"];
        var bias = tensor(weights[$"{name}/conv/bias"].Values);
        var scale = tensor(weights[$"{name}/scale/weights"].Values);
        var scaleBias = tensor(weights[$"{name}/scale/biases"].Values);
        var s = filters.Shape;
        var w = tensor(filters.Values, [s[0], s[1], s[2], s[3]]).permute(3, 2, 0, 1) * scale.reshape(-1, 1, 1, 1);
        conv.weight!.copy_(w);
        conv.bias!.copy_((bias * scale) + scaleBias);
    }

    public override Tensor forward(Tensor x)
    {
        x = nn.functional.relu(conv32_down.call(x));
        x = nn.functional.max_pool2d(x, kernel_size: 3, stride: 2);
        foreach (var (name, down) in Layout)
        {
            var main = convs[$"{name}_conv1"].call(x);
            main = convs[$"{name}_conv2"].call(nn.functional.relu(main));
            if (!down)
            {
                x = nn.functional.relu(main + x);
                continue;
            }

            var skip = nn.functional.avg_pool2d(x, kernel_size: 2, stride: 2);
            var grow = skip.shape[2] - main.shape[2];
            if (grow > 0)
            {
                main = nn.functional.pad(main, [0, grow, 0, grow]);
            }

            var extra = main.shape[1] - skip.shape[1];
            if (extra > 0)
            {
                skip = nn.functional.pad(skip, [0, 0, 0, 0, 0, extra]);
            }

            x = nn.functional.relu(main + skip);
        }

        return x.mean([2, 3]).matmul(fc);
    }

    public override string ExportOnnx(OnnxGraphBuilder g, string input)
    {
        var size = InputSize;
        var x = g.Relu(OnnxEmit.Conv(g, conv32_down, input));
        size = ((size - 7) / 2) + 1;
        x = g.MaxPool(x, [3, 3], [2, 2], [0, 0, 0, 0]);
        size = ((size - 3) / 2) + 1;
        var channels = 32;
        foreach (var (name, down) in Layout)
        {
            var c1 = convs[$"{name}_conv1"];
            var main = g.Relu(OnnxEmit.Conv(g, c1, x));
            main = OnnxEmit.Conv(g, convs[$"{name}_conv2"], main);
            if (!down)
            {
                x = g.Relu(g.Add(main, x));
                continue;
            }

            var mainSize = ((size - 3) / 2) + 1;
            var skipSize = ((size - 2) / 2) + 1;
            var skip = g.AveragePool(x, [2, 2], [2, 2], [0, 0, 0, 0]);
            if (skipSize > mainSize)
            {
                main = g.Pad(main, [0, 0, 0, 0, 0, 0, skipSize - mainSize, skipSize - mainSize]);
            }

            var cout = (int)c1.weight!.shape[0];
            if (cout > channels)
            {
                skip = g.Pad(skip, [0, 0, 0, 0, 0, cout - channels, 0, 0]);
            }

            channels = cout;
            size = skipSize;
            x = g.Relu(g.Add(skip, main));
        }

        x = g.Flatten(g.GlobalAveragePool(x));
        return g.Gemm(x, g.Initializer("fc", OnnxEmit.Values(fc), 256, 128), null, transB: false);
    }
}
