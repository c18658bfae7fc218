using FaceGrains.Recognition.Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FaceGrains.Trainer.Backbones;

/// <summary>Writes trained TorchSharp layers as ONNX nodes with their weights as initializers.</summary>
internal static class OnnxEmit
{
    private static int _counter;

    public static float[] Values(Tensor t) => t.detach().cpu().contiguous().to_type(ScalarType.Float32).data<float>().ToArray();

    private static string Name(string stem) => $"{stem}_{Interlocked.Increment(ref _counter)}";

    public static string Conv(OnnxGraphBuilder g, Conv2d conv, string x)
    {
        var w = conv.weight!;
        var shape = w.shape;
        var k = new[] { (int)shape[2], (int)shape[3] };
        var s = conv.stride is { } st ? new[] { (int)st[0], (int)st[1] } : [1, 1];
        var p = conv.padding is { } pd ? new[] { (int)pd[0], (int)pd[1], (int)pd[0], (int)pd[1] } : [0, 0, 0, 0];
        var weights = g.Initializer(Name("conv_w"), Values(w), shape);
        var bias = conv.bias is { } b ? g.Initializer(Name("conv_b"), Values(b), shape[0]) : null;
        return g.Conv(x, weights, bias, k, s, p, (int)conv.groups);
    }

    /// <summary>Any normalisation <see cref="Norms"/> creates: batch (running statistics), group, layer (one group) or none.</summary>
    public static string Norm(OnnxGraphBuilder g, nn.Module<Tensor, Tensor> module, string x)
    {
        switch (module)
        {
            case BatchNorm2d bn:
                return Bn(g, x, bn.weight!, bn.bias!, bn.running_mean!, bn.running_var!, bn.eps);
            case BatchNorm1d bn1:
                return Bn(g, x, bn1.weight!, bn1.bias!, bn1.running_mean!, bn1.running_var!, bn1.eps);
            case GroupNorm gn:
                var c = gn.weight!.shape[0];
                return g.GroupNormalization(
                    x,
                    (int)gn.num_groups,
                    g.Initializer(Name("gn_scale"), Values(gn.weight!), c, 1, 1),
                    g.Initializer(Name("gn_bias"), Values(gn.bias!), c, 1, 1),
                    (float)gn.eps);
            case Identity:
                return x;
            default:
                throw new NotSupportedException($"ONNX export supports batch, group or layer normalisation (or none), not {module.GetType().Name}");
        }
    }

    /// <summary>nn.LayerNorm over the last axis.</summary>
    public static string LayerNorm(OnnxGraphBuilder g, LayerNorm norm, string x)
    {
        var c = norm.weight!.shape[0];
        return g.LayerNormalization(
            x,
            g.Initializer(Name("ln_scale"), Values(norm.weight!), c),
            g.Initializer(Name("ln_bias"), Values(norm.bias!), c),
            axis: -1,
            (float)norm.eps);
    }

    private static string Bn(OnnxGraphBuilder g, string x, Tensor scale, Tensor bias, Tensor mean, Tensor var, double eps)
    {
        var c = scale.shape[0];
        return g.BatchNormalization(
            x,
            g.Initializer(Name("bn_scale"), Values(scale), c),
            g.Initializer(Name("bn_bias"), Values(bias), c),
            g.Initializer(Name("bn_mean"), Values(mean), c),
            g.Initializer(Name("bn_var"), Values(var), c),
            (float)eps);
    }

    public static string PRelu(OnnxGraphBuilder g, PReLU prelu, string x, bool spatial)
    {
        var slope = Values(prelu.weight!);
        return spatial
            ? g.PRelu(x, g.Initializer(Name("prelu"), slope, slope.Length, 1, 1))
            : g.PRelu(x, g.Initializer(Name("prelu"), slope, slope.Length));
    }

    public static string Linear(OnnxGraphBuilder g, Linear fc, string x)
    {
        var w = fc.weight!;
        var weights = g.Initializer(Name("fc_w"), Values(w), w.shape);
        var bias = fc.bias is { } b ? g.Initializer(Name("fc_b"), Values(b), w.shape[0]) : null;
        return g.Gemm(x, weights, bias, transB: true);
    }

    /// <summary>nn.Linear applied to the last axis of any-rank input (MatMul with the transposed weight, then the bias).</summary>
    public static string LinearLastAxis(OnnxGraphBuilder g, Linear fc, string x)
    {
        var w = fc.weight!;
        var weights = g.Initializer(Name("fc_wt"), Values(w.t()), w.shape[1], w.shape[0]);
        var y = g.MatMul(x, weights);
        return fc.bias is { } b ? g.Add(y, g.Initializer(Name("fc_b"), Values(b), w.shape[0])) : y;
    }
}
