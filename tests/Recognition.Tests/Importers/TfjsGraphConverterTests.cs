using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FaceGrains.Recognition.Importers;
using FaceGrains.Recognition.Tests.Onnx;
using Xunit;
using Xunit.Abstractions;

namespace FaceGrains.Recognition.Tests.Importers;

/// <summary>
/// The TFJS graph converter on small hand-written graphs, against a naive NHWC forward pass written here: layouts,
/// TensorFlow's "SAME" padding, fused ops, depthwise multipliers, reshapes of NHWC memory, and the errors an import
/// must give.
/// </summary>
public sealed class TfjsGraphConverterTests(ITestOutputHelper output)
{
    [Fact]
    public void Unknown_ops_fail_the_import_naming_every_op_and_its_nodes()
    {
        var g = new GraphJson(4, 4);
        var a = g.Node("Erf", "first_erf", [GraphJson.Input]);
        var b = g.Node("Cumsum", "running_sum", [a]);
        var c = g.Node("Erf", "second_erf", [b]);
        g.Node("Mean", "out", [c, g.Const("axes", [2], [1f, 2f], "int32")], keepDims: false);

        var e = Assert.Throws<InvalidDataException>(() => g.Convert("out"));

        output.WriteLine(e.Message);
        Assert.Contains("Erf (2 nodes: first_erf, second_erf)", e.Message, StringComparison.Ordinal);
        Assert.Contains("Cumsum (1 node: running_sum)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nodes_the_embedding_does_not_need_are_left_out()
    {
        // An age head with an op the converter does not know must not stop the import of the descriptor.
        var g = new GraphJson(2, 2);
        var mean = g.Node("Mean", "descriptor", [GraphJson.Input, g.Const("axes", [2], [1f, 2f], "int32")], keepDims: false);
        g.Node("Cumsum", "age_head", [mean]);

        var converted = g.Convert("descriptor");

        Assert.Equal(3, converted.OutputSize);
        Assert.Equal(new Dictionary<string, int> { ["Mean"] = 1 }, converted.OpCounts);
    }

    [Fact]
    public void An_output_that_is_not_batch_by_d_is_refused()
    {
        var g = new GraphJson(2, 2);
        g.Node("Relu", "features", [GraphJson.Input]);

        var e = Assert.Throws<InvalidDataException>(() => g.Convert("features"));
        Assert.Contains("[batch, D]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reshape_flattens_in_tensorflow_order_from_an_nchw_input()
    {
        var g = new GraphJson(2, 3);
        g.Node("Reshape", "flat", [GraphJson.Input, g.Const("shape", [2], [-1f, 18f], "int32")]);

        Verify(g, "flat", x => Reference.Flatten(x));
    }

    [Fact]
    public void Fused_conv_with_same_padding_stride_two_bias_and_relu6_then_mean()
    {
        var rng = new Random(3);
        var g = new GraphJson(5, 6);
        var w = g.RandomConst("w", [3, 3, 3, 4], rng);
        var bias = g.RandomConst("b", [4], rng);
        var conv = g.Node("_FusedConv2D", "conv", [GraphJson.Input, w.Name, bias.Name], strides: [1, 2, 2, 1], padding: "SAME", fused: ["BiasAdd", "Relu6"]);
        g.Node("Mean", "pool", [conv, g.Const("axes", [2], [1f, 2f], "int32")], keepDims: false);

        Verify(g, "pool", x => Reference.Mean12(Reference.Relu6(Reference.Conv(x, w, bias.Values, 2, same: true))));
    }

    [Fact]
    public void Depthwise_with_a_multiplier_after_explicit_pad_then_prelu_squeeze_and_matmul()
    {
        var rng = new Random(4);
        var g = new GraphJson(3, 3);
        var dw = g.RandomConst("dw", [3, 3, 3, 2], rng);
        var alpha = g.RandomConst("alpha", [6], rng);
        var fc = g.RandomConst("fc", [6, 5], rng);
        var pad = g.Node("Pad", "pad", [GraphJson.Input, g.Const("paddings", [4, 2], [0, 0, 1, 1, 1, 1, 0, 0], "int32")]);
        var depthwise = g.Node("DepthwiseConv2dNative", "dw_conv", [pad, dw.Name], strides: [1, 1, 1, 1], padding: "VALID");
        var act = g.Node("Prelu", "act", [depthwise, alpha.Name]);
        var pooled = g.Node("MaxPool", "pool", [act], strides: [1, 3, 3, 1], padding: "VALID", ksize: [1, 3, 3, 1]);
        var squeezed = g.Node("Squeeze", "squeeze", [pooled], squeezeDims: [1, 2]);
        g.Node("MatMul", "fc_out", [squeezed, fc.Name]);

        Verify(g, "fc_out", x =>
        {
            var padded = Reference.Pad(x, 1);
            var y = Reference.Prelu(Reference.Depthwise(padded, dw), alpha.Values);
            return Reference.MatMul(Reference.MaxAll(y), fc);
        });
    }

    /// <summary>Runs the converted graph on an NCHW input and the reference on the same values NHWC; compares.</summary>
    private void Verify(GraphJson g, string outputNode, Func<RefTensor, RefTensor> reference)
    {
        var converted = g.Convert(outputNode);
        foreach (var level in OrtHarness.Levels)
        {
            using var session = OrtHarness.Load(converted.Onnx, level);
            foreach (var batch in OrtHarness.BatchSizes)
            {
                var nhwc = RefTensor.Random(new Random(batch), 1f, [batch, g.Height, g.Width, 3]);
                var expected = reference(nhwc);
                var actual = OrtHarness.Run(session, [(converted.InputName, Reference.ToNchw(nhwc))], converted.OutputName);
                Assert.Equal(expected.Shape, actual.Shape);
                var diff = RefTensor.MaxAbsDiff(expected, actual);
                output.WriteLine($"{outputNode} batch {batch} {level}: max abs diff {diff:E2}");
                Assert.True(diff <= 1e-5, $"max abs diff {diff:E2}");
            }
        }
    }

    /// <summary>A TFJS graph model.json written by hand: a Placeholder "x" [-1, H, W, 3] and the nodes added.</summary>
    private sealed class GraphJson(int height, int width)
    {
        public const string Input = "x";

        private readonly JsonArray nodes = [Placeholder(height, width)];
        private readonly JsonArray weights = [];
        private readonly List<byte> data = [];

        public int Height => height;

        public int Width => width;

        public string Const(string name, int[] shape, float[] values, string dtype = "float32")
        {
            nodes.Add(new JsonObject { ["name"] = name, ["op"] = "Const", ["attr"] = new JsonObject() });
            weights.Add(new JsonObject { ["name"] = name, ["shape"] = new JsonArray(shape.Select(d => (JsonNode)d).ToArray()), ["dtype"] = dtype });
            foreach (var v in values)
            {
                data.AddRange(dtype == "int32" ? BitConverter.GetBytes((int)v) : BitConverter.GetBytes(v));
            }

            return name;
        }

        public TfjsTensor RandomConst(string name, int[] shape, Random rng)
        {
            var values = Enumerable.Range(0, shape.Aggregate(1, (a, d) => a * d)).Select(_ => (float)((rng.NextDouble() * 2) - 1)).ToArray();
            Const(name, shape, values);
            return new TfjsTensor(name, shape, values);
        }

        public string Node(string op, string name, string[] inputs, int[]? strides = null, string? padding = null, string[]? fused = null, bool? keepDims = null, int[]? squeezeDims = null, int[]? ksize = null)
        {
            var attr = new JsonObject();
            if (strides is not null)
            {
                attr["strides"] = Ints(strides);
            }

            if (ksize is not null)
            {
                attr["ksize"] = Ints(ksize);
            }

            if (squeezeDims is not null)
            {
                attr["squeeze_dims"] = Ints(squeezeDims);
            }

            if (padding is not null)
            {
                attr["padding"] = new JsonObject { ["s"] = System.Convert.ToBase64String(Encoding.UTF8.GetBytes(padding)) };
            }

            if (fused is not null)
            {
                attr["fused_ops"] = new JsonObject { ["list"] = new JsonObject { ["s"] = new JsonArray(fused.Select(f => (JsonNode)System.Convert.ToBase64String(Encoding.UTF8.GetBytes(f))).ToArray()) } };
                attr["num_args"] = new JsonObject { ["i"] = (inputs.Length - 2).ToString(System.Globalization.CultureInfo.InvariantCulture) };
            }

            if (keepDims is { } keep)
            {
                attr["keep_dims"] = new JsonObject { ["b"] = keep };
            }

            nodes.Add(new JsonObject { ["name"] = name, ["op"] = op, ["input"] = new JsonArray(inputs.Select(i => (JsonNode)i).ToArray()), ["attr"] = attr });
            return name;
        }

        public ConvertedGraph Convert(string outputNode)
        {
            var json = new JsonObject
            {
                ["format"] = "graph-model",
                ["modelTopology"] = new JsonObject { ["node"] = nodes.DeepClone() },
                ["weightsManifest"] = new JsonArray(new JsonObject { ["paths"] = new JsonArray("w.bin"), ["weights"] = weights.DeepClone() }),
            };
            var model = TfjsGraphModel.Parse(json.ToJsonString(), _ => data.ToArray());
            return TfjsGraphConverter.Convert(model, Input, outputNode, "test");
        }

        private static JsonObject Ints(int[] values) =>
            new() { ["list"] = new JsonObject { ["i"] = new JsonArray(values.Select(v => (JsonNode)v.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray()) } };

        private static JsonObject Placeholder(int h, int w) => new()
        {
            ["name"] = Input,
            ["op"] = "Placeholder",
            ["attr"] = new JsonObject
            {
                ["shape"] = new JsonObject { ["shape"] = new JsonObject { ["dim"] = new JsonArray(new[] { -1, h, w, 3 }.Select(d => (JsonNode)new JsonObject { ["size"] = d.ToString(System.Globalization.CultureInfo.InvariantCulture) }).ToArray()) } },
            },
        };
    }

    /// <summary>Naive NHWC forward passes, written from TensorFlow's definitions.</summary>
    private static class Reference
    {
        public static RefTensor ToNchw(RefTensor x)
        {
            int n = x.Shape[0], h = x.Shape[1], w = x.Shape[2], c = x.Shape[3];
            var y = new RefTensor([n, c, h, w]);
            for (var b = 0; b < n; b++)
            {
                for (var i = 0; i < h; i++)
                {
                    for (var j = 0; j < w; j++)
                    {
                        for (var k = 0; k < c; k++)
                        {
                            y.Data[(((((b * c) + k) * h) + i) * w) + j] = x.Data[(((((b * h) + i) * w) + j) * c) + k];
                        }
                    }
                }
            }

            return y;
        }

        public static RefTensor Flatten(RefTensor x) => new([x.Shape[0], x.Data.Length / x.Shape[0]], (float[])x.Data.Clone());

        public static RefTensor Conv(RefTensor x, TfjsTensor w, float[] bias, int stride, bool same)
        {
            int n = x.Shape[0], h = x.Shape[1], wd = x.Shape[2], c = x.Shape[3], kh = w.Shape[0], kw = w.Shape[1], co = w.Shape[3];
            var oh = same ? (h + stride - 1) / stride : ((h - kh) / stride) + 1;
            var ow = same ? (wd + stride - 1) / stride : ((wd - kw) / stride) + 1;
            var top = same ? Math.Max(((oh - 1) * stride) + kh - h, 0) / 2 : 0;
            var left = same ? Math.Max(((ow - 1) * stride) + kw - wd, 0) / 2 : 0;
            var y = new RefTensor([n, oh, ow, co]);
            for (var b = 0; b < n; b++)
            {
                for (var i = 0; i < oh; i++)
                {
                    for (var j = 0; j < ow; j++)
                    {
                        for (var o = 0; o < co; o++)
                        {
                            double s = bias[o];
                            for (var u = 0; u < kh; u++)
                            {
                                for (var v = 0; v < kw; v++)
                                {
                                    int yi = (i * stride) + u - top, xj = (j * stride) + v - left;
                                    if (yi < 0 || yi >= h || xj < 0 || xj >= wd)
                                    {
                                        continue;
                                    }

                                    for (var k = 0; k < c; k++)
                                    {
                                        s += x.Data[(((((b * h) + yi) * wd) + xj) * c) + k] * w.Values[(((((u * kw) + v) * c) + k) * co) + o];
                                    }
                                }
                            }

                            y.Data[(((((b * oh) + i) * ow) + j) * co) + o] = (float)s;
                        }
                    }
                }
            }

            return y;
        }

        public static RefTensor Depthwise(RefTensor x, TfjsTensor w)
        {
            int n = x.Shape[0], h = x.Shape[1], wd = x.Shape[2], c = x.Shape[3], kh = w.Shape[0], kw = w.Shape[1], m = w.Shape[3];
            int oh = h - kh + 1, ow = wd - kw + 1;
            var y = new RefTensor([n, oh, ow, c * m]);
            for (var b = 0; b < n; b++)
            {
                for (var i = 0; i < oh; i++)
                {
                    for (var j = 0; j < ow; j++)
                    {
                        for (var k = 0; k < c; k++)
                        {
                            for (var q = 0; q < m; q++)
                            {
                                double s = 0;
                                for (var u = 0; u < kh; u++)
                                {
                                    for (var v = 0; v < kw; v++)
                                    {
                                        s += x.Data[(((((b * h) + i + u) * wd) + j + v) * c) + k] * w.Values[(((((u * kw) + v) * c) + k) * m) + q];
                                    }
                                }

                                y.Data[(((((b * oh) + i) * ow) + j) * c * m) + (k * m) + q] = (float)s;
                            }
                        }
                    }
                }
            }

            return y;
        }

        public static RefTensor Pad(RefTensor x, int p)
        {
            int n = x.Shape[0], h = x.Shape[1], w = x.Shape[2], c = x.Shape[3];
            var y = new RefTensor([n, h + (2 * p), w + (2 * p), c]);
            for (var b = 0; b < n; b++)
            {
                for (var i = 0; i < h; i++)
                {
                    for (var j = 0; j < w; j++)
                    {
                        for (var k = 0; k < c; k++)
                        {
                            y.Data[(((((b * (h + (2 * p))) + i + p) * (w + (2 * p))) + j + p) * c) + k] = x.Data[(((((b * h) + i) * w) + j) * c) + k];
                        }
                    }
                }
            }

            return y;
        }

        public static RefTensor Relu6(RefTensor x) => new(x.Shape, x.Data.Select(v => Math.Clamp(v, 0f, 6f)).ToArray());

        public static RefTensor Prelu(RefTensor x, float[] alpha) =>
            new(x.Shape, x.Data.Select((v, i) => v >= 0 ? v : v * alpha[i % alpha.Length]).ToArray());

        /// <summary>Mean over H and W of [N, H, W, C].</summary>
        public static RefTensor Mean12(RefTensor x)
        {
            int n = x.Shape[0], hw = x.Shape[1] * x.Shape[2], c = x.Shape[3];
            var y = new RefTensor([n, c]);
            for (var b = 0; b < n; b++)
            {
                for (var k = 0; k < c; k++)
                {
                    double s = 0;
                    for (var p = 0; p < hw; p++)
                    {
                        s += x.Data[(((b * hw) + p) * c) + k];
                    }

                    y.Data[(b * c) + k] = (float)(s / hw);
                }
            }

            return y;
        }

        /// <summary>Max over H and W of [N, H, W, C] (a pool covering the whole map).</summary>
        public static RefTensor MaxAll(RefTensor x)
        {
            int n = x.Shape[0], hw = x.Shape[1] * x.Shape[2], c = x.Shape[3];
            var y = new RefTensor([n, c]);
            for (var b = 0; b < n; b++)
            {
                for (var k = 0; k < c; k++)
                {
                    y.Data[(b * c) + k] = Enumerable.Range(0, hw).Max(p => x.Data[(((b * hw) + p) * c) + k]);
                }
            }

            return y;
        }

        public static RefTensor MatMul(RefTensor a, TfjsTensor b)
        {
            int n = a.Shape[0], k = a.Shape[1], m = b.Shape[1];
            var y = new RefTensor([n, m]);
            for (var i = 0; i < n; i++)
            {
                for (var j = 0; j < m; j++)
                {
                    double s = 0;
                    for (var q = 0; q < k; q++)
                    {
                        s += a.Data[(i * k) + q] * b.Values[(q * m) + j];
                    }

                    y.Data[(i * m) + j] = (float)s;
                }
            }

            return y;
        }
    }
}
