using System.Runtime.InteropServices;
using Google.Protobuf;

namespace FaceGrains.Recognition.Onnx;

/// <summary>
/// Builds an ONNX model (opset 17, IR 8) node by node and writes it as protobuf bytes.
/// Every graph input and output is float32 with a symbolic first dimension named
/// <see cref="BatchDimension"/>; weights are initializers stored as raw data.
/// Each op method returns the name of the value it produces, so a network reads as a chain of calls.
/// </summary>
public sealed class OnnxGraphBuilder
{
    public const string BatchDimension = "batch";

    private readonly List<OnnxNode> _nodes = [];
    private readonly List<OnnxInitializer> _initializers = [];
    private readonly List<(string Name, int[] Dims)> _inputs = [];
    private readonly List<(string Name, int[] Dims)> _outputs = [];
    private readonly Dictionary<string, string> _metadata = [];
    private readonly HashSet<string> _names = [];
    private int _counter;

    public OnnxGraphBuilder(string graphName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(graphName);
        GraphName = graphName;
    }

    public string GraphName { get; }

    public string DocString { get; set; } = "";

    /// <summary>A graph input of shape [batch, dims...].</summary>
    public string Input(string name, params int[] dims)
    {
        Claim(name);
        _inputs.Add((name, dims));
        return name;
    }

    /// <summary>Marks <paramref name="value"/> as a graph output named <paramref name="name"/>, of shape [batch, dims...].</summary>
    public void Output(string name, string value, params int[] dims)
    {
        if (value != name)
        {
            Claim(name);
            _nodes.Add(new OnnxNode("Identity", $"{name}_identity", [value], [name], []));
        }

        _outputs.Add((name, dims));
    }

    public void Metadata(string key, string value) => _metadata[key] = value;

    public string Initializer(string name, float[] data, params long[] dims)
    {
        CheckElementCount(name, data.Length, dims);
        Claim(name);
        return AddFloatInitializer(name, data, dims);
    }

    public string Int64Initializer(string name, long[] data, params long[] dims)
    {
        // Check before claiming, so a refused call leaves the name free.
        CheckElementCount(name, data.Length, dims);
        Claim(name);
        return AddInt64Initializer(name, data, dims);
    }

    /// <summary>
    /// A convolution's weights stored as int8 and read through a DequantizeLinear node: symmetric per output channel
    /// (axis 0), scale max|w|/127 of each channel, so w ≈ q·scale; and its bias (if any) as int32 at scale
    /// <paramref name="inputScale"/> × each channel's weight scale, what the fused int8 convolution adds to its
    /// accumulators. ONNX Runtime fuses both nodes into the int8 convolution that reads them.
    /// </summary>
    public (string Weights, string? Bias) QuantizedConvParameters(string weightsName, string biasName, float[] weights, float[]? bias, float inputScale, params long[] dims)
    {
        CheckElementCount(weightsName, weights.Length, dims);
        var channels = (int)dims[0];
        if (bias is not null && bias.Length != channels)
        {
            throw new ArgumentException($"Bias of '{weightsName}' has {bias.Length} values for {channels} weight channels.");
        }

        Claim(weightsName);
        var perChannel = weights.Length / channels;
        var q = new sbyte[weights.Length];
        var scales = new float[channels];
        for (var c = 0; c < channels; c++)
        {
            var slice = weights.AsSpan(c * perChannel, perChannel);
            var max = 0f;
            foreach (var v in slice)
            {
                max = MathF.Max(max, MathF.Abs(v));
            }

            scales[c] = max > 0 ? max / 127f : 1f;
            for (var i = 0; i < perChannel; i++)
            {
                q[(c * perChannel) + i] = (sbyte)Math.Clamp(MathF.Round(slice[i] / scales[c], MidpointRounding.ToEven), -127, 127);
            }
        }

        var w = Dequantized(weightsName, dims, OnnxProto.DataType.Int8, MemoryMarshal.AsBytes(q.AsSpan()).ToArray(), scales, new byte[channels]);
        if (bias is null)
        {
            return (w, null);
        }

        Claim(biasName);
        var biasScales = scales.Select(s => s * inputScale).ToArray();
        var qb = bias.Select((v, c) => (int)Math.Clamp(Math.Round(v / biasScales[c], MidpointRounding.ToEven), int.MinValue + 1, int.MaxValue)).ToArray();
        return (w, Dequantized(biasName, [channels], OnnxProto.DataType.Int32, MemoryMarshal.AsBytes(qb.AsSpan()).ToArray(), biasScales, new byte[channels * sizeof(int)]));
    }

    /// <summary>
    /// Quantise then dequantise an activation as uint8 with a fixed <paramref name="scale"/> and zero point: the pair
    /// ONNX Runtime turns into int8 arithmetic between the operators around it (QDQ format). Values outside
    /// [(0 − zero)·scale, (255 − zero)·scale] saturate.
    /// </summary>
    public string QuantizeDequantize(string x, float scale, byte zeroPoint)
    {
        var s = Scalar("q_scale", scale);
        var z = Fresh("q_zero_point");
        _initializers.Add(new OnnxInitializer(z, [], OnnxProto.DataType.UInt8, [zeroPoint]));
        var q = Add("QuantizeLinear", [x, s, z]);
        return Add("DequantizeLinear", [q, s, z]);
    }

    /// <summary>An integer initializer read through a per-channel (axis 0) DequantizeLinear node.</summary>
    private string Dequantized(string name, long[] dims, int dataType, byte[] raw, float[] scales, byte[] zeroPoints)
    {
        _initializers.Add(new OnnxInitializer(name, dims, dataType, raw));
        var scale = AddFloatInitializer(Fresh($"{name}_scale"), scales, scales.Length);
        var zero = Fresh($"{name}_zero_point");
        _initializers.Add(new OnnxInitializer(zero, [scales.Length], dataType, zeroPoints));
        return Add("DequantizeLinear", [name, scale, zero], OnnxAttribute.Of("axis", 0L));
    }

    /// <summary>2-D convolution; weights [out, in/group, kh, kw]; pads [top, left, bottom, right].</summary>
    public string Conv(string x, string weights, string? bias, int[] kernel, int[] strides, int[] pads, int group = 1)
    {
        string[] inputs = bias is null ? [x, weights] : [x, weights, bias];
        return Add("Conv", inputs,
            OnnxAttribute.Of("kernel_shape", kernel),
            OnnxAttribute.Of("strides", strides),
            OnnxAttribute.Of("pads", pads),
            OnnxAttribute.Of("dilations", kernel.Select(_ => 1)),
            OnnxAttribute.Of("group", group));
    }

    public string BatchNormalization(string x, string scale, string bias, string mean, string variance, float epsilon) =>
        Add("BatchNormalization", [x, scale, bias, mean, variance], OnnxAttribute.Of("epsilon", epsilon));

    /// <summary>Element-wise product with numpy-style broadcasting (e.g. a [C,1,1] per-channel scale).</summary>
    public string Mul(string a, string b) => Add("Mul", [a, b]);

    /// <summary>Element-wise sum with numpy-style broadcasting.</summary>
    public string Add(string a, string b) => Add("Add", [a, b]);

    public string Sub(string a, string b) => Add("Sub", [a, b]);

    public string Div(string a, string b) => Add("Div", [a, b]);

    public string Relu(string x) => Add("Relu", [x]);

    /// <summary>
    /// Clamps to [<paramref name="min"/>, <paramref name="max"/>] (e.g. ReLU6 = Clip(x, 0, 6)); opset 17 takes the
    /// bounds as scalar inputs, written here as initializers.
    /// </summary>
    public string Clip(string x, float min, float max)
    {
        if (!(min <= max))
        {
            throw new ArgumentException($"Clip needs min <= max, got [{min}, {max}].");
        }

        return Add("Clip", [x, Scalar("clip_min", min), Scalar("clip_max", max)]);
    }

    /// <summary>The error function, element-wise.</summary>
    public string Erf(string x) => Add("Erf", [x]);

    /// <summary>
    /// Exact (erf) GELU, 0.5·x·(1 + erf(x/√2)), as PyTorch computes it; opset 17 has no Gelu op (it arrives in 20),
    /// so it is written with Erf.
    /// </summary>
    public string Gelu(string x)
    {
        var erf = Erf(Mul(x, Scalar("gelu_inv_sqrt2", (float)(1 / Math.Sqrt(2)))));
        return Mul(Mul(x, Scalar("gelu_half", 0.5f)), Add(erf, Scalar("gelu_one", 1f)));
    }

    /// <summary>Permutes the axes: output axis i is input axis <paramref name="perm"/>[i] (the batch axis included).</summary>
    public string Transpose(string x, int[] perm) => Add("Transpose", [x], OnnxAttribute.Of("perm", perm));

    /// <summary>
    /// Reshapes to <paramref name="shape"/> (every axis, the batch axis included); 0 copies the input's size on
    /// that axis and -1 takes what is left, so [0, g, -1] keeps the symbolic batch.
    /// </summary>
    public string Reshape(string x, long[] shape) =>
        Add("Reshape", [x, AddInt64Initializer(Fresh("shape"), shape, shape.Length)]);

    /// <summary>Reshapes <paramref name="x"/> to the (runtime) shape of <paramref name="like"/>.</summary>
    public string ReshapeLike(string x, string like) => Add("Reshape", [x, Add("Shape", [like])]);

    /// <summary>
    /// Normalises over the axes from <paramref name="axis"/> to the last (mean and variance per leading index),
    /// then scales and shifts; scale and bias have the shape of those trailing axes.
    /// </summary>
    public string LayerNormalization(string x, string scale, string bias, int axis, float epsilon) =>
        Add("LayerNormalization", [x, scale, bias], OnnxAttribute.Of("axis", (long)axis), OnnxAttribute.Of("epsilon", epsilon));

    /// <summary>Normalises each (sample, channel) over the remaining axes, then scales and shifts by [C] vectors.</summary>
    public string InstanceNormalization(string x, string scale, string bias, float epsilon) =>
        Add("InstanceNormalization", [x, scale, bias], OnnxAttribute.Of("epsilon", epsilon));

    /// <summary>
    /// Group normalisation of an [N, C, …] tensor: the C channels in <paramref name="groups"/> consecutive groups,
    /// each (sample, group) normalised over its channels and positions, then a per-channel scale and shift
    /// (<paramref name="scale"/> and <paramref name="bias"/> broadcast against x, e.g. [C,1,1]). Opset 17 has no
    /// GroupNormalization (opset 18's is defined per group, not per channel), so it is written as
    /// Reshape [N, G, -1] → InstanceNormalization → Reshape back → Mul → Add.
    /// </summary>
    public string GroupNormalization(string x, int groups, string scale, string bias, float epsilon)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(groups, 1);
        var ones = AddFloatInitializer(Fresh("groupnorm_ones"), Enumerable.Repeat(1f, groups).ToArray(), groups);
        var zeros = AddFloatInitializer(Fresh("groupnorm_zeros"), new float[groups], groups);
        var normalized = InstanceNormalization(Reshape(x, [0, groups, -1]), ones, zeros, epsilon);
        return Add(Mul(ReshapeLike(normalized, x), scale), bias);
    }

    /// <summary>Absolute value, element-wise.</summary>
    public string Abs(string x) => Add("Abs", [x]);

    /// <summary>Logistic sigmoid, element-wise.</summary>
    public string Sigmoid(string x) => Add("Sigmoid", [x]);

    public string Sqrt(string x) => Add("Sqrt", [x]);

    /// <summary>1 / x, element-wise.</summary>
    public string Reciprocal(string x) => Add("Reciprocal", [x]);

    /// <summary>Element-wise maximum with numpy-style broadcasting.</summary>
    public string Max(string a, string b) => Add("Max", [a, b]);

    /// <summary>Element-wise minimum with numpy-style broadcasting.</summary>
    public string Min(string a, string b) => Add("Min", [a, b]);

    /// <summary>Softmax along one axis (opset 13 and later: that axis alone, not the flattened trailing axes).</summary>
    public string Softmax(string x, int axis) => Add("Softmax", [x], OnnxAttribute.Of("axis", (long)axis));

    /// <summary>Sum over <paramref name="axes"/> (opset 13 and later take the axes as an int64 input).</summary>
    public string ReduceSum(string x, int[] axes, bool keepDims) =>
        Add("ReduceSum", [x, AddInt64Initializer(Fresh("axes"), axes.Select(a => (long)a).ToArray(), axes.Length)], OnnxAttribute.Of("keepdims", keepDims ? 1L : 0L));

    /// <summary>Removes the size-1 <paramref name="axes"/> (opset 13 and later take them as an int64 input).</summary>
    public string Squeeze(string x, int[] axes) =>
        Add("Squeeze", [x, AddInt64Initializer(Fresh("axes"), axes.Select(a => (long)a).ToArray(), axes.Length)]);

    /// <summary>Parametric ReLU; slope broadcasts, e.g. [C,1,1].</summary>
    public string PRelu(string x, string slope) => Add("PRelu", [x, slope]);

    public string MaxPool(string x, int[] kernel, int[] strides, int[] pads) =>
        Add("MaxPool", [x],
            OnnxAttribute.Of("kernel_shape", kernel),
            OnnxAttribute.Of("strides", strides),
            OnnxAttribute.Of("pads", pads));

    /// <summary>Average pooling; padded cells are left out of the average unless <paramref name="countIncludePad"/>.</summary>
    public string AveragePool(string x, int[] kernel, int[] strides, int[] pads, bool countIncludePad = false) =>
        Add("AveragePool", [x],
            OnnxAttribute.Of("kernel_shape", kernel),
            OnnxAttribute.Of("strides", strides),
            OnnxAttribute.Of("pads", pads),
            OnnxAttribute.Of("count_include_pad", countIncludePad ? 1L : 0L));

    public string GlobalAveragePool(string x) => Add("GlobalAveragePool", [x]);

    /// <summary>Mean over <paramref name="axes"/> (opset 17 takes axes as an attribute).</summary>
    public string ReduceMean(string x, int[] axes, bool keepDims) =>
        Add("ReduceMean", [x], OnnxAttribute.Of("axes", axes), OnnxAttribute.Of("keepdims", keepDims ? 1L : 0L));

    /// <summary>
    /// Zero padding; <paramref name="pads"/> is ONNX's [x1_begin, x2_begin, …, x1_end, x2_end, …] over every axis.
    /// </summary>
    public string Pad(string x, long[] pads)
    {
        var padsName = AddInt64Initializer(Fresh("pads"), pads, pads.Length);
        return Add("Pad", [x, padsName], OnnxAttribute.Of("mode", "constant"));
    }

    public string Concat(int axis, params string[] values) => Add("Concat", values, OnnxAttribute.Of("axis", (long)axis));

    public string Flatten(string x, int axis = 1) => Add("Flatten", [x], OnnxAttribute.Of("axis", (long)axis));

    /// <summary>Y = A·B (+ C), B optionally transposed; C broadcasts.</summary>
    public string Gemm(string a, string b, string? c, bool transB)
    {
        string[] inputs = c is null ? [a, b] : [a, b, c];
        return Add("Gemm", inputs, OnnxAttribute.Of("transB", transB ? 1L : 0L));
    }

    public string MatMul(string a, string b) => Add("MatMul", [a, b]);

    /// <summary>Divides each vector along <paramref name="axis"/> by its L2 norm.</summary>
    public string L2Normalize(string x, int axis = 1) =>
        Add("LpNormalization", [x], OnnxAttribute.Of("axis", (long)axis), OnnxAttribute.Of("p", 2L));

    public byte[] ToBytes()
    {
        var graph = OnnxProto.Message(o =>
        {
            foreach (var node in _nodes)
            {
                o.WriteMessage(OnnxProto.Graph.Node, EncodeNode(node));
            }

            o.WriteString(OnnxProto.Graph.Name, GraphName);
            foreach (var initializer in _initializers)
            {
                o.WriteMessage(OnnxProto.Graph.Initializer, EncodeInitializer(initializer));
            }

            if (DocString.Length > 0)
            {
                o.WriteString(OnnxProto.Graph.DocString, DocString);
            }

            foreach (var (name, dims) in _inputs)
            {
                o.WriteMessage(OnnxProto.Graph.Input, EncodeValueInfo(name, dims));
            }

            foreach (var (name, dims) in _outputs)
            {
                o.WriteMessage(OnnxProto.Graph.Output, EncodeValueInfo(name, dims));
            }
        });

        return OnnxProto.Message(o =>
        {
            o.WriteInt64(OnnxProto.Model.IrVersion, OnnxProto.IrVersion);
            o.WriteString(OnnxProto.Model.ProducerName, "FaceGrains");
            o.WriteString(OnnxProto.Model.ProducerVersion, typeof(OnnxGraphBuilder).Assembly.GetName().Version?.ToString() ?? "0");
            o.WriteMessage(OnnxProto.Model.Graph, graph);
            o.WriteMessage(OnnxProto.Model.OpsetImport, OnnxProto.Message(s =>
            {
                s.WriteString(OnnxProto.OperatorSetId.Domain, "");
                s.WriteInt64(OnnxProto.OperatorSetId.Version, OnnxProto.OpsetVersion);
            }));
            foreach (var (key, value) in _metadata)
            {
                o.WriteMessage(OnnxProto.Model.MetadataProps, OnnxProto.Message(s =>
                {
                    s.WriteString(OnnxProto.StringStringEntry.Key, key);
                    s.WriteString(OnnxProto.StringStringEntry.Value, value);
                }));
            }
        });
    }

    private string Add(string opType, string[] inputs, params OnnxAttribute[] attributes)
    {
        var output = Fresh(opType.ToLowerInvariant());
        _nodes.Add(new OnnxNode(opType, output + "_node", inputs, [output], attributes));
        return output;
    }

    private string Scalar(string stem, float value)
    {
        var name = Fresh(stem);
        _initializers.Add(new OnnxInitializer(name, [], OnnxProto.DataType.Float, BitConverter.GetBytes(value)));
        return name;
    }

    private string AddFloatInitializer(string name, float[] data, params long[] dims)
    {
        CheckElementCount(name, data.Length, dims);
        _initializers.Add(new OnnxInitializer(name, dims, OnnxProto.DataType.Float, MemoryMarshal.AsBytes(data.AsSpan()).ToArray()));
        return name;
    }

    private string AddInt64Initializer(string name, long[] data, params long[] dims)
    {
        CheckElementCount(name, data.Length, dims);
        _initializers.Add(new OnnxInitializer(name, dims, OnnxProto.DataType.Int64, MemoryMarshal.AsBytes(data.AsSpan()).ToArray()));
        return name;
    }

    private string Fresh(string stem)
    {
        string name;
        do
        {
            name = $"{stem}_{_counter++}";
        }
        while (!_names.Add(name));
        return name;
    }

    private void Claim(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!_names.Add(name))
        {
            throw new ArgumentException($"The graph already has a value named '{name}'.", nameof(name));
        }
    }

    private static void CheckElementCount(string name, int count, long[] dims)
    {
        var expected = dims.Aggregate(1L, (a, d) => a * d);
        if (expected != count)
        {
            throw new ArgumentException($"Initializer '{name}' has {count} values but dims [{string.Join(",", dims)}] need {expected}.");
        }
    }

    private static byte[] EncodeNode(OnnxNode node) => OnnxProto.Message(o =>
    {
        foreach (var input in node.Inputs)
        {
            o.WriteString(OnnxProto.Node.Input, input);
        }

        foreach (var output in node.Outputs)
        {
            o.WriteString(OnnxProto.Node.Output, output);
        }

        o.WriteString(OnnxProto.Node.Name, node.Name);
        o.WriteString(OnnxProto.Node.OpType, node.OpType);
        foreach (var attribute in node.Attributes)
        {
            o.WriteMessage(OnnxProto.Node.Attribute, EncodeAttribute(attribute));
        }
    });

    private static byte[] EncodeAttribute(OnnxAttribute a) => OnnxProto.Message(o =>
    {
        o.WriteString(OnnxProto.Attribute.Name, a.Name);
        if (a.Int is { } i)
        {
            o.WriteInt64(OnnxProto.Attribute.I, i);
            o.WriteInt32(OnnxProto.Attribute.Type, OnnxProto.AttributeType.Int);
        }
        else if (a.Float is { } f)
        {
            o.WriteFloat(OnnxProto.Attribute.F, f);
            o.WriteInt32(OnnxProto.Attribute.Type, OnnxProto.AttributeType.Float);
        }
        else if (a.String is { } s)
        {
            o.WriteTag(OnnxProto.Attribute.S, WireFormat.WireType.LengthDelimited);
            o.WriteBytes(ByteString.CopyFromUtf8(s));
            o.WriteInt32(OnnxProto.Attribute.Type, OnnxProto.AttributeType.String);
        }
        else if (a.Ints is { } ints)
        {
            foreach (var v in ints)
            {
                o.WriteInt64(OnnxProto.Attribute.Ints, v);
            }

            o.WriteInt32(OnnxProto.Attribute.Type, OnnxProto.AttributeType.Ints);
        }
        else if (a.Floats is { } floats)
        {
            foreach (var v in floats)
            {
                o.WriteFloat(OnnxProto.Attribute.Floats, v);
            }

            o.WriteInt32(OnnxProto.Attribute.Type, OnnxProto.AttributeType.Floats);
        }
    });

    private static byte[] EncodeInitializer(OnnxInitializer t) => OnnxProto.Message(o =>
    {
        foreach (var d in t.Dims)
        {
            o.WriteInt64(OnnxProto.Tensor.Dims, d);
        }

        o.WriteInt32(OnnxProto.Tensor.DataType, t.DataType);
        o.WriteString(OnnxProto.Tensor.Name, t.Name);
        o.WriteTag(OnnxProto.Tensor.RawData, WireFormat.WireType.LengthDelimited);
        o.WriteBytes(UnsafeByteOperations.UnsafeWrap(t.RawData));
    });

    private static byte[] EncodeValueInfo(string name, int[] dims) => OnnxProto.Message(o =>
    {
        o.WriteString(OnnxProto.ValueInfo.Name, name);
        var shape = OnnxProto.Message(s =>
        {
            s.WriteMessage(OnnxProto.TensorShape.Dim, OnnxProto.Message(d => d.WriteString(OnnxProto.Dimension.DimParam, BatchDimension)));
            foreach (var dim in dims)
            {
                s.WriteMessage(OnnxProto.TensorShape.Dim, OnnxProto.Message(d => d.WriteInt64(OnnxProto.Dimension.DimValue, dim)));
            }
        });
        var tensorType = OnnxProto.Message(t =>
        {
            t.WriteInt32(OnnxProto.TypeTensor.ElemType, OnnxProto.DataType.Float);
            t.WriteMessage(OnnxProto.TypeTensor.Shape, shape);
        });
        o.WriteMessage(OnnxProto.ValueInfo.Type, OnnxProto.Message(t => t.WriteMessage(OnnxProto.TypeProto.TensorType, tensorType)));
    });
}
