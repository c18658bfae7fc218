using FaceGrains.Recognition.Onnx;

namespace FaceGrains.Recognition.Importers;

/// <summary>
/// Shared steps for rebuilding a TensorFlow.js network as ONNX: named tensors taken from the TFJS weights
/// (each checked for rank and remembered, so unused weights can be reported), filters moved from TF's
/// [kh, kw, in, out] to ONNX's [out, in, kh, kw], and TF's "same" padding, which puts the odd pixel after.
/// </summary>
internal sealed class TfjsGraphBuilder(string netName, IReadOnlyDictionary<string, TfjsTensor> weights, OnnxGraphBuilder graph)
{
    private readonly HashSet<string> _used = [];

    public OnnxGraphBuilder Graph { get; } = graph;

    public TfjsTensor Tensor(string name, int rank)
    {
        if (!weights.TryGetValue(name, out var tensor))
        {
            throw new InvalidDataException($"{netName} weights lack tensor '{name}'.");
        }

        if (tensor.Shape.Length != rank)
        {
            throw new InvalidDataException($"{netName} tensor '{name}' has rank {tensor.Shape.Length}, expected {rank}.");
        }

        _used.Add(name);
        return tensor;
    }

    /// <summary>Weights the architecture never read, except those <paramref name="ignorable"/> says are graph constants.</summary>
    public void CheckAllUsed(Func<string, bool> ignorable)
    {
        var unused = weights.Keys.Where(k => !_used.Contains(k) && !ignorable(k)).ToList();
        if (unused.Count > 0)
        {
            throw new InvalidDataException($"{netName} weights hold tensors the architecture does not use: {string.Join(", ", unused)}.");
        }
    }

    /// <summary>
    /// A TF conv2d (filters [kh, kw, in, out]) with "same" padding, an optional bias and an optional per-output scale
    /// folded into the weights. Returns the output and its spatial size.
    /// </summary>
    public TfFeature Conv(TfFeature x, string filtersName, float[]? bias, int stride, float[]? scale = null)
    {
        var filters = Tensor(filtersName, 4);
        int kh = filters.Shape[0], kw = filters.Shape[1], cin = filters.Shape[2], cout = filters.Shape[3];
        if (cin != x.Channels || (bias is not null && bias.Length != cout))
        {
            throw new InvalidDataException($"{netName} '{filtersName}' is [{string.Join(",", filters.Shape)}] on {x.Channels} input channels (bias {bias?.Length}).");
        }

        var w = new float[cout * cin * kh * kw];
        for (var y = 0; y < kh; y++)
        {
            for (var xk = 0; xk < kw; xk++)
            {
                for (var i = 0; i < cin; i++)
                {
                    for (var o = 0; o < cout; o++)
                    {
                        var tf = (((((y * kw) + xk) * cin) + i) * cout) + o;
                        w[(((((o * cin) + i) * kh) + y) * kw) + xk] = filters.Values[tf] * (scale?[o] ?? 1f);
                    }
                }
            }
        }

        return Emit(x, filtersName, w, bias, cout, cin, kh, kw, stride, group: 1);
    }

    /// <summary>A TF depthwise conv2d (filters [kh, kw, C, 1]) with "same" padding; <paramref name="scale"/>/<paramref name="bias"/> fold a batch norm.</summary>
    public TfFeature Depthwise(TfFeature x, string filtersName, int stride, float[]? scale = null, float[]? bias = null)
    {
        var filters = Tensor(filtersName, 4);
        int kh = filters.Shape[0], kw = filters.Shape[1], c = filters.Shape[2];
        if (c != x.Channels || filters.Shape[3] != 1)
        {
            throw new InvalidDataException($"{netName} depthwise '{filtersName}' is [{string.Join(",", filters.Shape)}] on {x.Channels} channels; expected multiplier 1.");
        }

        var w = new float[c * kh * kw];
        for (var y = 0; y < kh; y++)
        {
            for (var xk = 0; xk < kw; xk++)
            {
                for (var ch = 0; ch < c; ch++)
                {
                    w[(((ch * kh) + y) * kw) + xk] = filters.Values[(((y * kw) + xk) * c) + ch] * (scale?[ch] ?? 1f);
                }
            }
        }

        return Emit(x, filtersName, w, bias, c, 1, kh, kw, stride, group: c);
    }

    public TfFeature Map(TfFeature x, Func<string, string> op) => x with { Name = op(x.Name), Int8Scale = null };

    public TfFeature Add(TfFeature a, TfFeature b) => a with { Name = Graph.Add(a.Name, b.Name), Int8Scale = null };

    public TfFeature Relu(TfFeature x) => Map(x, Graph.Relu);

    public TfFeature Relu6(TfFeature x) => Map(x, v => Graph.Clip(v, 0f, 6f));

    /// <summary>
    /// <paramref name="x"/> through a uint8 quantise–dequantise pair spanning [(0 − zero)·scale, (255 − zero)·scale];
    /// convolutions reading the result get int8 weights.
    /// </summary>
    public TfFeature Quantize(TfFeature x, float scale, byte zeroPoint) =>
        x with { Name = Graph.QuantizeDequantize(x.Name, scale, zeroPoint), Int8Scale = scale };

    public float[] Values(string name, int length)
    {
        var t = Tensor(name, 1);
        if (t.ElementCount != length)
        {
            throw new InvalidDataException($"{netName} tensor '{name}' has {t.ElementCount} values, expected {length}.");
        }

        return t.Values;
    }

    /// <summary>TF "same": output ceil(size / stride); the total padding's odd pixel goes after.</summary>
    public static (int Output, int Before, int After) SamePadding(int size, int kernel, int stride)
    {
        var output = (size + stride - 1) / stride;
        var total = Math.Max(((output - 1) * stride) + kernel - size, 0);
        return (output, total / 2, total - (total / 2));
    }

    private TfFeature Emit(TfFeature x, string name, float[] w, float[]? bias, int cout, int cin, int kh, int kw, int stride, int group)
    {
        var (size, before, after) = SamePadding(x.Size, kh, stride);
        var (weights, biasValue) = x.Int8Scale is { } inputScale
            ? Graph.QuantizedConvParameters($"{name}/onnx_weights", $"{name}/onnx_bias", w, bias, inputScale, cout, cin, kh, kw)
            : (Graph.Initializer($"{name}/onnx_weights", w, cout, cin, kh, kw), bias is null ? null : Graph.Initializer($"{name}/onnx_bias", bias, cout));
        var y = Graph.Conv(
            x.Name,
            weights,
            biasValue,
            [kh, kw],
            [stride, stride],
            [before, before, after, after],
            group);
        return new TfFeature(y, cout, size);
    }
}

/// <summary>
/// A feature map in the graph being built: its value name, channels and (square) spatial size. <see cref="Int8Scale"/>
/// is set when the value is the output of a uint8 quantise–dequantise pair of that scale: a convolution reading it is
/// written with int8 weights (ONNX Runtime then runs it in int8).
/// </summary>
internal readonly record struct TfFeature(string Name, int Channels, int Size, float? Int8Scale = null);
