using FaceGrains.Recognition.Onnx;
using Xunit;
using Xunit.Abstractions;

namespace FaceGrains.Recognition.Tests.Onnx;

/// <summary>
/// One small graph per operator (and per interesting attribute setting), written by <see cref="OnnxGraphBuilder"/>,
/// run by ONNX Runtime at two batch sizes and checked against <see cref="Reference"/>.
/// </summary>
public sealed class OnnxOpTests(ITestOutputHelper log)
{
    private const int H = 9;
    private const int W = 8;

    [Theory]
    [InlineData(3, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, true)] // 3x3 "same"
    [InlineData(3, 5, 3, 3, 2, 2, 0, 0, 0, 0, 1, false)] // stride 2 "valid", no bias
    [InlineData(4, 6, 3, 2, 2, 1, 0, 1, 2, 0, 1, true)] // non-square kernel, mixed strides, asymmetric pads
    [InlineData(2, 3, 2, 3, 1, 1, 2, 0, 0, 1, 1, true)] // pads only top and right
    [InlineData(4, 6, 3, 3, 1, 2, 1, 0, 0, 1, 2, true)] // group 2
    [InlineData(6, 6, 3, 3, 1, 1, 1, 1, 1, 1, 6, true)] // depthwise
    [InlineData(4, 8, 3, 3, 2, 2, 0, 0, 1, 1, 4, false)] // depthwise, multiplier 2, bottom/right pad only
    [InlineData(5, 3, 1, 1, 1, 1, 0, 0, 0, 0, 1, true)] // pointwise
    public void Conv(int cin, int cout, int kh, int kw, int sh, int sw, int padTop, int padLeft, int padBottom, int padRight, int group, bool bias)
    {
        var rng = new Random(101);
        var weights = RefTensor.Random(rng, 1f / MathF.Sqrt(cin / group * kh * kw), cout, cin / group, kh, kw);
        var b = bias ? RefTensor.Random(rng, 0.5f, cout) : null;
        int[] kernel = [kh, kw], strides = [sh, sw], pads = [padTop, padLeft, padBottom, padRight];
        OrtHarness.Verify(new OnnxCase
        {
            Name = $"Conv k{kh}x{kw} s{sh},{sw} pads[{string.Join(",", pads)}] g{group} {(bias ? "bias" : "nobias")}",
            Inputs = [("x", [cin, H, W])],
            Build = (g, x) => g.Conv(x[0], g.Const("w", weights), b is null ? null : g.Const("b", b), kernel, strides, pads, group),
            Reference = x => Reference.Conv(x[0], weights, b, strides, pads, group),
        }, log, 1);
    }

    [Theory]
    [InlineData(1e-5f)]
    [InlineData(1e-3f)]
    [InlineData(0.5f)] // far from the default, so a lost attribute shows
    public void BatchNormalization(float epsilon)
    {
        const int c = 5;
        var rng = new Random(102);
        var scale = RefTensor.Uniform(rng, 0.5f, 1.5f, c);
        var bias = RefTensor.Random(rng, 0.5f, c);
        var mean = RefTensor.Random(rng, 0.5f, c);
        var variance = RefTensor.Uniform(rng, 0.05f, 2f, c);
        OrtHarness.Verify(new OnnxCase
        {
            Name = $"BatchNormalization eps {epsilon:G}",
            Inputs = [("x", [c, H, W])],
            Build = (g, x) => g.BatchNormalization(x[0], g.Const("scale", scale), g.Const("bias", bias), g.Const("mean", mean), g.Const("var", variance), epsilon),
            Reference = x => Reference.BatchNormalization(x[0], scale, bias, mean, variance, epsilon),
        }, log, 2);
    }

    public static TheoryData<string, string> BinaryCases()
    {
        var data = new TheoryData<string, string>();
        foreach (var op in new[] { "Mul", "Add", "Sub", "Div" })
        {
            foreach (var shape in new[] { "x op [C,1,1]", "[C,1,1] op x", "x op [1]", "x op []", "x op [1,1,1]", "x op [C,H,W]", "x op x2" })
            {
                data.Add(op, shape);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(BinaryCases))]
    public void Binary(string op, string shape)
    {
        const int c = 4;
        var rng = new Random(103);
        int[] constShape = shape switch
        {
            "x op [C,1,1]" or "[C,1,1] op x" => [c, 1, 1],
            "x op [1]" => [1],
            "x op []" => [],
            "x op [1,1,1]" => [1, 1, 1],
            "x op [C,H,W]" => [c, H, W],
            _ => [],
        };

        // Divisors stay away from zero: constants have magnitude in [0.5, 1.5); for "x op x2" the graph divides by relu(x2) + 1.
        var constant = RefTensor.AwayFromZero(rng, 0.5f, 1.5f, constShape);
        var twoInputs = shape == "x op x2";
        var constFirst = shape == "[C,1,1] op x";
        Func<OnnxGraphBuilder, string, string, string> build = op switch
        {
            "Mul" => (g, a, b) => g.Mul(a, b),
            "Add" => (g, a, b) => g.Add(a, b),
            "Sub" => (g, a, b) => g.Sub(a, b),
            _ => (g, a, b) => g.Div(a, b),
        };
        Func<RefTensor, RefTensor, RefTensor> reference = op switch
        {
            "Mul" => Reference.Mul,
            "Add" => Reference.Add,
            "Sub" => Reference.Sub,
            _ => Reference.Div,
        };

        OrtHarness.Verify(new OnnxCase
        {
            Name = $"{op} {shape}",
            Inputs = twoInputs ? [("x", [c, H, W]), ("x2", [c, H, W])] : [("x", [c, H, W])],
            Build = (g, x) =>
            {
                if (twoInputs)
                {
                    return build(g, x[0], op == "Div" ? g.Add(g.Relu(x[1]), g.Const("one", new RefTensor([1], [1f]))) : x[1]);
                }

                var k = g.Const("k", constant);
                return constFirst ? build(g, k, x[0]) : build(g, x[0], k);
            },
            Reference = x =>
            {
                if (twoInputs)
                {
                    var divisor = op == "Div" ? Reference.Add(Reference.Relu(x[1]), new RefTensor([1], [1f])) : x[1];
                    return reference(x[0], divisor);
                }

                return constFirst ? reference(constant, x[0]) : reference(x[0], constant);
            },
        }, log, 3);
    }

    [Fact]
    public void Relu() =>
        OrtHarness.Verify(new OnnxCase
        {
            Name = "Relu",
            Inputs = [("x", [3, H, W])],
            Build = (g, x) => g.Relu(x[0]),
            Reference = x => Reference.Relu(x[0]),
        }, log, 4);

    [Theory]
    [InlineData(0f, 6f)] // ReLU6, as MobileNet uses it
    [InlineData(-0.5f, 0.25f)]
    public void Clip(float min, float max) =>
        OrtHarness.Verify(new OnnxCase
        {
            Name = $"Clip [{min}, {max}]",
            Inputs = [("x", [3, H, W])],
            InputScale = 8f, // so values fall on both sides of both bounds
            Build = (g, x) => g.Clip(x[0], min, max),
            Reference = x => new RefTensor(x[0].Shape, x[0].Data.Select(v => Math.Clamp(v, min, max)).ToArray()),
        }, log, 4);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void PRelu(bool perChannel)
    {
        const int c = 4;
        var slope = RefTensor.Random(new Random(105), 0.5f, perChannel ? [c, 1, 1] : [1]);
        OrtHarness.Verify(new OnnxCase
        {
            Name = $"PRelu slope [{string.Join(",", slope.Shape)}]",
            Inputs = [("x", [c, H, W])],
            Build = (g, x) => g.PRelu(x[0], g.Const("slope", slope)),
            Reference = x => Reference.PRelu(x[0], slope),
        }, log, 5);
    }

    [Theory]
    [InlineData(3, 3, 2, 2, 1, 1, 1, 1)]
    [InlineData(2, 2, 2, 2, 0, 0, 0, 0)]
    [InlineData(3, 2, 1, 2, 0, 1, 2, 0)] // asymmetric pads
    [InlineData(3, 3, 1, 1, 1, 1, 1, 1)]
    [InlineData(2, 3, 2, 1, 0, 0, 1, 2)] // bottom/right only
    public void MaxPool(int kh, int kw, int sh, int sw, int padTop, int padLeft, int padBottom, int padRight)
    {
        int[] kernel = [kh, kw], strides = [sh, sw], pads = [padTop, padLeft, padBottom, padRight];
        OrtHarness.Verify(new OnnxCase
        {
            Name = $"MaxPool k{kh}x{kw} s{sh},{sw} pads[{string.Join(",", pads)}]",
            Inputs = [("x", [3, H, W])],
            Build = (g, x) => g.MaxPool(x[0], kernel, strides, pads),
            Reference = x => Reference.MaxPool(x[0], kernel, strides, pads),
        }, log, 6);
    }

    [Theory]
    [InlineData(3, 3, 2, 2, 1, 1, 1, 1, false)]
    [InlineData(3, 3, 2, 2, 1, 1, 1, 1, true)]
    [InlineData(2, 2, 2, 2, 0, 0, 0, 0, false)]
    [InlineData(2, 2, 2, 2, 0, 0, 0, 0, true)]
    [InlineData(3, 2, 1, 2, 0, 1, 2, 0, false)] // asymmetric pads
    [InlineData(3, 2, 1, 2, 0, 1, 2, 0, true)]
    [InlineData(2, 3, 2, 1, 0, 0, 1, 2, false)] // bottom/right only
    [InlineData(2, 3, 2, 1, 0, 0, 1, 2, true)]
    public void AveragePool(int kh, int kw, int sh, int sw, int padTop, int padLeft, int padBottom, int padRight, bool countIncludePad)
    {
        int[] kernel = [kh, kw], strides = [sh, sw], pads = [padTop, padLeft, padBottom, padRight];
        OrtHarness.Verify(new OnnxCase
        {
            Name = $"AveragePool k{kh}x{kw} s{sh},{sw} pads[{string.Join(",", pads)}] count_include_pad {(countIncludePad ? 1 : 0)}",
            Inputs = [("x", [3, H, W])],
            Build = (g, x) => g.AveragePool(x[0], kernel, strides, pads, countIncludePad),
            Reference = x => Reference.AveragePool(x[0], kernel, strides, pads, countIncludePad),
        }, log, 7);
    }

    [Fact]
    public void GlobalAveragePool() =>
        OrtHarness.Verify(new OnnxCase
        {
            Name = "GlobalAveragePool",
            Inputs = [("x", [5, H, W])],
            Build = (g, x) => g.GlobalAveragePool(x[0]),
            Reference = x => Reference.GlobalAveragePool(x[0]),
        }, log, 8);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReduceMean(bool keepDims) =>
        OrtHarness.Verify(new OnnxCase
        {
            Name = $"ReduceMean axes [2,3] keepdims {(keepDims ? 1 : 0)}",
            Inputs = [("x", [5, H, W])],
            Build = (g, x) => g.ReduceMean(x[0], [2, 3], keepDims),
            Reference = x => keepDims ? Reference.GlobalAveragePool(x[0]) : Reference.ReduceMeanSpatial(x[0]),
        }, log, 9);

    [Theory]
    [InlineData(0, 2, 0, 0, 0, 3, 0, 0)] // channels only, both ends
    [InlineData(0, 0, 0, 0, 0, 4, 0, 0)] // channels at the end (a shortcut's zero channels)
    [InlineData(0, 0, 1, 0, 0, 0, 0, 2)] // spatial: top 1, right 2
    [InlineData(0, 0, 0, 0, 0, 0, 1, 1)] // spatial: bottom/right
    [InlineData(0, 1, 2, 1, 0, 0, 1, 3)] // channels and spatial together
    public void Pad(long nBegin, long cBegin, long hBegin, long wBegin, long nEnd, long cEnd, long hEnd, long wEnd)
    {
        long[] pads = [nBegin, cBegin, hBegin, wBegin, nEnd, cEnd, hEnd, wEnd];
        OrtHarness.Verify(new OnnxCase
        {
            Name = $"Pad [{string.Join(",", pads)}]",
            Inputs = [("x", [3, H, W])],
            Build = (g, x) => g.Pad(x[0], pads),
            Reference = x => Reference.Pad(x[0], pads),
        }, log, 10);
    }

    [Fact]
    public void Concat() =>
        OrtHarness.Verify(new OnnxCase
        {
            Name = "Concat axis 1 (x, relu x, x2)",
            Inputs = [("x", [3, H, W]), ("x2", [2, H, W])],
            Build = (g, x) => g.Concat(1, x[0], g.Relu(x[0]), x[1]),
            Reference = x => Reference.Concat(1, x[0], Reference.Relu(x[0]), x[1]),
        }, log, 11);

    [Fact]
    public void Flatten() =>
        OrtHarness.Verify(new OnnxCase
        {
            Name = "Flatten axis 1",
            Inputs = [("x", [3, H, W])],
            Build = (g, x) => g.Flatten(x[0]),
            Reference = x => Reference.Flatten(x[0], 1),
        }, log, 12);

    [Fact]
    public void FlattenAfterGlobalAveragePool() =>
        OrtHarness.Verify(new OnnxCase
        {
            Name = "Flatten axis 1 of GlobalAveragePool",
            Inputs = [("x", [6, H, W])],
            Build = (g, x) => g.Flatten(g.GlobalAveragePool(x[0]), 1),
            Reference = x => Reference.Flatten(Reference.GlobalAveragePool(x[0]), 1),
        }, log, 13);

    [Theory]
    [InlineData(false, "none")]
    [InlineData(false, "[N]")]
    [InlineData(false, "[1,N]")]
    [InlineData(true, "none")]
    [InlineData(true, "[N]")]
    [InlineData(true, "[1,N]")]
    public void Gemm(bool transB, string bias)
    {
        const int k = 12, n = 7;
        var rng = new Random(114);
        var b = transB ? RefTensor.Random(rng, 1f / MathF.Sqrt(k), n, k) : RefTensor.Random(rng, 1f / MathF.Sqrt(k), k, n);
        var c = bias switch
        {
            "[N]" => RefTensor.Random(rng, 0.5f, n),
            "[1,N]" => RefTensor.Random(rng, 0.5f, 1, n),
            _ => null,
        };
        OrtHarness.Verify(new OnnxCase
        {
            Name = $"Gemm transB {(transB ? 1 : 0)} bias {bias}",
            Inputs = [("x", [k])],
            Build = (g, x) => g.Gemm(x[0], g.Const("b", b), c is null ? null : g.Const("c", c), transB),
            Reference = x => Reference.Gemm(x[0], b, c, transB),
        }, log, 14);
    }

    [Fact]
    public void MatMul2D()
    {
        var b = RefTensor.Random(new Random(115), 0.3f, 10, 6);
        OrtHarness.Verify(new OnnxCase
        {
            Name = "MatMul [batch,10]x[10,6]",
            Inputs = [("x", [10])],
            Build = (g, x) => g.MatMul(x[0], g.Const("b", b)),
            Reference = x => Reference.MatMul(x[0], b),
        }, log, 15);
    }

    [Fact]
    public void MatMulBroadcastsLeadingDims()
    {
        var b = RefTensor.Random(new Random(116), 0.3f, W, 5);
        OrtHarness.Verify(new OnnxCase
        {
            Name = "MatMul [batch,3,H,W]x[W,5]",
            Inputs = [("x", [3, H, W])],
            Build = (g, x) => g.MatMul(x[0], g.Const("b", b)),
            Reference = x => Reference.MatMul(x[0], b),
        }, log, 16);
    }

    [Fact]
    public void L2NormalizeVectors() =>
        OrtHarness.Verify(new OnnxCase
        {
            Name = "LpNormalization p2 axis 1 [batch,16]",
            Inputs = [("x", [16])],
            Build = (g, x) => g.L2Normalize(x[0]),
            Reference = x => Reference.L2Normalize(x[0], 1),
        }, log, 17);

    [Fact]
    public void L2NormalizeChannels() =>
        OrtHarness.Verify(new OnnxCase
        {
            // ONNX's default axis is -1; on a 4-D tensor axis 1 only comes out right if the attribute arrives.
            Name = "LpNormalization p2 axis 1 [batch,4,H,W]",
            Inputs = [("x", [4, H, W])],
            Build = (g, x) => g.L2Normalize(x[0], 1),
            Reference = x => Reference.L2Normalize(x[0], 1),
        }, log, 18);

    [Theory]
    [InlineData(0, 2, 3, 1)] // NCHW → NHWC
    [InlineData(0, 3, 1, 2)] // NHWC → NCHW
    public void Transpose(int p0, int p1, int p2, int p3)
    {
        int[] perm = [p0, p1, p2, p3];
        OrtHarness.Verify(new OnnxCase
        {
            Name = $"Transpose [{string.Join(",", perm)}]",
            Inputs = [("x", [3, H, W])],
            Build = (g, x) => g.Transpose(x[0], perm),
            Reference = x => Reference.Transpose(x[0], perm),
        }, log, 19);
    }

    [Theory]
    [InlineData(1e-6f)]
    [InlineData(0.5f)] // far from the default, so a lost attribute shows
    public void LayerNormalizationOverTheLastAxis(float epsilon)
    {
        var rng = new Random(120);
        var scale = RefTensor.Uniform(rng, 0.5f, 1.5f, W);
        var bias = RefTensor.Random(rng, 0.5f, W);
        OrtHarness.Verify(new OnnxCase
        {
            Name = $"LayerNormalization axis -1 eps {epsilon:G}",
            Inputs = [("x", [3, H, W])],
            Build = (g, x) => g.LayerNormalization(x[0], g.Const("scale", scale), g.Const("bias", bias), -1, epsilon),
            Reference = x => Reference.LayerNormalizationLastAxis(x[0], scale, bias, epsilon),
        }, log, 20);
    }

    [Theory]
    [InlineData(1)] // layer norm over C×H×W
    [InlineData(3)]
    [InlineData(6)] // instance norm
    public void GroupNormalization(int groups)
    {
        const int c = 6;
        var rng = new Random(121);
        var scale = RefTensor.Uniform(rng, 0.5f, 1.5f, c, 1, 1);
        var bias = RefTensor.Random(rng, 0.5f, c, 1, 1);
        OrtHarness.Verify(new OnnxCase
        {
            Name = $"GroupNormalization {groups} groups",
            Inputs = [("x", [c, H, W])],
            Build = (g, x) => g.GroupNormalization(x[0], groups, g.Const("scale", scale), g.Const("bias", bias), 1e-5f),
            Reference = x => Reference.GroupNormalization(x[0], groups, scale, bias, 1e-5f),
        }, log, 21);
    }

    [Fact]
    public void Gelu() =>
        OrtHarness.Verify(new OnnxCase
        {
            Name = "Gelu (erf)",
            Inputs = [("x", [3, H, W])],
            InputScale = 4f,
            Build = (g, x) => g.Gelu(x[0]),
            Reference = x => Reference.Gelu(x[0]),
        }, log, 22);

    [Fact]
    public void ReshapeKeepsTheBatch() =>
        OrtHarness.Verify(new OnnxCase
        {
            Name = "Reshape [0, -1] then back",
            Inputs = [("x", [3, H, W])],
            Build = (g, x) => g.ReshapeLike(g.Relu(g.Reshape(x[0], [0, -1])), x[0]),
            Reference = x => Reference.Relu(x[0]),
        }, log, 23);
}
