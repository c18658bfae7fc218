using System.Globalization;
using FaceGrains.Recognition.Onnx;

namespace FaceGrains.Recognition.Importers;

/// <summary>
/// One run of <see cref="TfjsGraphConverter"/>: the values made so far, by TensorFlow node name. Shapes are tracked as
/// TensorFlow sees them (NHWC, -1 for the batch); a rank-4 value's ONNX tensor is NCHW.
/// </summary>
internal sealed class TfjsGraphConversion
{
    /// <summary>Where logical (NHWC) axis i of a rank-4 value lies in its NCHW tensor.</summary>
    private static readonly int[] PhysicalAxis = [0, 2, 3, 1];

    private readonly TfjsGraphModel model;
    private readonly Dictionary<string, TfjsGraphNode> nodes;
    private readonly Dictionary<string, GraphValue> values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> constants = new(StringComparer.Ordinal);
    private readonly OnnxGraphBuilder graph;

    public TfjsGraphConversion(TfjsGraphModel model, string graphName)
    {
        this.model = model;
        nodes = model.Nodes.ToDictionary(n => n.Name, StringComparer.Ordinal);
        graph = new OnnxGraphBuilder(graphName)
        {
            DocString = $"TensorFlow.js graph model (converted by {model.ConvertedBy ?? "?"} from {model.GeneratedBy ?? "?"}) rebuilt as ONNX by FaceGrains' TfjsGraphConverter.",
        };
    }

    public ConvertedGraph Run(string inputNode, string outputNode)
    {
        var order = TopologicalOrder(outputNode);
        var unsupported = order.Where(n => !TfjsGraphConverter.SupportedOps.Contains(n.Op)).GroupBy(n => n.Op).ToList();
        if (unsupported.Count > 0)
        {
            throw new InvalidDataException("The graph uses ops the importer does not convert: " + string.Join("; ", unsupported.Select(g =>
                $"{g.Key} ({g.Count()} node{(g.Count() == 1 ? "" : "s")}: {string.Join(", ", g.Take(3).Select(n => n.Name))}{(g.Count() > 3 ? ", …" : "")})")) + ".");
        }

        var placeholders = order.Where(n => n.Op == "Placeholder").Select(n => n.Name).ToList();
        if (placeholders.Count != 1 || placeholders[0] != inputNode)
        {
            throw new InvalidDataException($"Output '{outputNode}' depends on the placeholders [{string.Join(", ", placeholders)}]; expected exactly '{inputNode}'.");
        }

        foreach (var node in order)
        {
            try
            {
                values[node.Name] = Emit(node);
            }
            catch (Exception e) when (e is InvalidDataException or NotSupportedException)
            {
                throw new InvalidDataException($"{node}: {e.Message}", e);
            }
        }

        var input = values[inputNode];
        var output = values[outputNode];
        if (output.Onnx is null || output.Rank != 2 || output.Shape[1] <= 0)
        {
            throw new InvalidDataException($"Output '{outputNode}' has shape [{string.Join(",", output.Shape)}]; an embedding output must be [batch, D].");
        }

        graph.Output(outputNode, output.Onnx, output.Shape[1]);
        graph.Metadata("tfjs_input", inputNode);
        graph.Metadata("tfjs_output", outputNode);
        var counts = order.Where(n => n.Op is not ("Const" or "Placeholder"))
            .GroupBy(n => n.Op).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        return new ConvertedGraph(graph.ToBytes(), inputNode, outputNode, input.Shape[1], input.Shape[2], output.Shape[1], counts);
    }

    private List<TfjsGraphNode> TopologicalOrder(string outputNode)
    {
        if (!nodes.ContainsKey(outputNode))
        {
            throw new InvalidDataException($"The graph has no node '{outputNode}'.");
        }

        var order = new List<TfjsGraphNode>();
        var state = new Dictionary<string, bool>(StringComparer.Ordinal); // false: on the stack, true: done
        var stack = new Stack<(TfjsGraphNode Node, int Next)>();
        stack.Push((nodes[outputNode], 0));
        state[outputNode] = false;
        while (stack.Count > 0)
        {
            var (node, next) = stack.Pop();
            if (next < node.Inputs.Count)
            {
                stack.Push((node, next + 1));
                var name = node.Inputs[next];
                if (!nodes.TryGetValue(name, out var input))
                {
                    throw new InvalidDataException($"{node} reads '{name}', which is not a node of the graph (only each node's first output is supported).");
                }

                if (!state.TryGetValue(name, out var done))
                {
                    state[name] = false;
                    stack.Push((input, 0));
                }
                else if (!done)
                {
                    throw new InvalidDataException($"The graph has a cycle through '{name}'.");
                }

                continue;
            }

            state[node.Name] = true;
            order.Add(node);
        }

        return order;
    }

    private GraphValue Emit(TfjsGraphNode n) => n.Op switch
    {
        "Const" => model.Weights.TryGetValue(n.Name, out var tensor)
            ? new GraphValue(null, tensor.Shape, tensor)
            : throw new InvalidDataException("the weights manifest holds no value for this Const."),
        "Placeholder" => Placeholder(n),
        "Identity" => Input(n, 0),
        "Conv2D" or "_FusedConv2D" => Convolution(n, depthwise: false),
        "DepthwiseConv2dNative" or "FusedDepthwiseConv2dNative" => Convolution(n, depthwise: true),
        "MatMul" or "_FusedMatMul" => MatMul(n),
        "Add" or "AddV2" or "BiasAdd" => Binary(n, graph.Add),
        "Sub" => Binary(n, graph.Sub),
        "Mul" => Binary(n, graph.Mul),
        "RealDiv" => Binary(n, graph.Div),
        "Maximum" => Binary(n, graph.Max),
        "Minimum" => Binary(n, graph.Min),
        "Relu" => Unary(n, graph.Relu),
        "Relu6" => Unary(n, x => graph.Clip(x, 0f, 6f)),
        "Abs" => Unary(n, graph.Abs),
        "Sigmoid" => Unary(n, graph.Sigmoid),
        "Sqrt" => Unary(n, graph.Sqrt),
        "Rsqrt" => Unary(n, x => graph.Reciprocal(graph.Sqrt(x))),
        "Square" => Unary(n, x => graph.Mul(x, x)),
        "Prelu" => Prelu(n),
        "Mean" => Reduce(n, (x, axes, keep) => graph.ReduceMean(x, axes, keep)),
        "Sum" => Reduce(n, graph.ReduceSum),
        "Squeeze" => Squeeze(n),
        "Reshape" => Reshape(n),
        "Pad" => Pad(n),
        "Softmax" => Softmax(n),
        "MaxPool" or "AvgPool" => Pool(n),
        "ConcatV2" => Concat(n),
        _ => throw new NotSupportedException($"op '{n.Op}' is not converted."),
    };

    private GraphValue Placeholder(TfjsGraphNode n)
    {
        var shape = n.Shape("shape") ?? throw new InvalidDataException("the placeholder has no shape.");
        if (shape.Length != 4 || shape[3] != 3 || shape[1] <= 0 || shape[2] <= 0)
        {
            throw new InvalidDataException($"the input is [{string.Join(",", shape)}]; a face embedder takes [batch, H, W, 3].");
        }

        // The ONNX input is NCHW: the one layout change, at the input (see the class remarks).
        return new GraphValue(graph.Input(n.Name, 3, shape[1], shape[2]), [-1, shape[1], shape[2], 3], null);
    }

    private GraphValue Convolution(TfjsGraphNode n, bool depthwise)
    {
        var x = Tensor(n, 0, 4);
        var filter = Constant(n, 1, 4);
        RequireNhwc(n);
        int kh = filter.Shape[0], kw = filter.Shape[1], cin = filter.Shape[2], cm = filter.Shape[3];
        if (x.Shape[3] != cin)
        {
            throw new InvalidDataException($"filter '{filter.Name}' [{string.Join(",", filter.Shape)}] takes {cin} channels, the input has {x.Shape[3]}.");
        }

        var (sh, sw) = Window(n, "strides");
        var (dh, dw) = Window(n, "dilations");
        if (dh != 1 || dw != 1)
        {
            throw new NotSupportedException($"dilated convolution ({dh}×{dw}) is not converted.");
        }

        var (oh, top, bottom) = Padding(n, x.Shape[1], kh, sh, 1);
        var (ow, left, right) = Padding(n, x.Shape[2], kw, sw, 2);
        var cout = depthwise ? cin * cm : cm;
        var w = new float[cout * (depthwise ? 1 : cin) * kh * kw];
        for (var y = 0; y < kh; y++)
        {
            for (var xk = 0; xk < kw; xk++)
            {
                for (var i = 0; i < cin; i++)
                {
                    for (var o = 0; o < cm; o++)
                    {
                        var tf = (((((y * kw) + xk) * cin) + i) * cm) + o;
                        // TF depthwise: output channel i·M + m reads input channel i. ONNX: [out, in/group, kh, kw].
                        var onnx = depthwise
                            ? (((((i * cm) + o) * kh) + y) * kw) + xk
                            : (((((o * cin) + i) * kh) + y) * kw) + xk;
                        w[onnx] = filter.Values[tf];
                    }
                }
            }
        }

        var weights = graph.Initializer(Unique($"{filter.Name}/oihw"), w, cout, depthwise ? 1 : cin, kh, kw);
        var (bias, activation, alpha) = Fused(n, 2, cout);
        var conv = graph.Conv(x.Onnx!, weights, bias, [kh, kw], [sh, sw], [top, left, bottom, right], depthwise ? cin : 1);
        return new GraphValue(Activate(n, conv, activation, alpha, rank4: true), [x.Shape[0], oh, ow, cout], null);
    }

    private GraphValue MatMul(TfjsGraphNode n)
    {
        var a = Tensor(n, 0, 2);
        var b = Constant(n, 1, 2);
        if (n.Bool("transpose_a"))
        {
            throw new NotSupportedException("MatMul with transpose_a is not converted.");
        }

        var transB = n.Bool("transpose_b");
        var (k, m) = transB ? (b.Shape[1], b.Shape[0]) : (b.Shape[0], b.Shape[1]);
        if (a.Shape[1] != k)
        {
            throw new InvalidDataException($"[{string.Join(",", a.Shape)}] × '{b.Name}' [{string.Join(",", b.Shape)}]{(transB ? "ᵀ" : "")} do not multiply.");
        }

        var (bias, activation, alpha) = Fused(n, 2, m);
        var y = graph.Gemm(a.Onnx!, Materialize(b, rank4: false), bias, transB);
        return new GraphValue(Activate(n, y, activation, alpha, rank4: false), [a.Shape[0], m], null);
    }

    /// <summary>
    /// A fused op's extra arguments (after the data input and the filter) as its "fused_ops" attribute says: BiasAdd,
    /// then at most one activation; Prelu's slope is the second argument.
    /// </summary>
    private (string? Bias, string? Activation, string? Alpha) Fused(TfjsGraphNode n, int firstArg, int channels)
    {
        var fused = n.Strings("fused_ops");
        if (fused.Count == 0)
        {
            return (null, null, null);
        }

        if (fused[0] != "BiasAdd" || fused.Count > 2)
        {
            throw new NotSupportedException($"fused ops [{string.Join(", ", fused)}] are not converted (BiasAdd, then at most one activation).");
        }

        var bias = Constant(n, firstArg, 1);
        if (bias.Values.Length != channels)
        {
            throw new InvalidDataException($"bias '{bias.Name}' has {bias.Values.Length} values for {channels} channels.");
        }

        var activation = fused.Count > 1 ? fused[1] : null;
        string? alpha = null;
        if (activation == "Prelu")
        {
            alpha = Materialize(Constant(n, firstArg + 1, 1), rank4: true);
        }
        else if (activation == "LeakyRelu")
        {
            alpha = Scalar(n.Float("leakyrelu_alpha") ?? 0.2f, $"{n.Name}/leakyrelu_alpha");
        }

        return (Materialize(bias, rank4: false), activation, alpha);
    }

    private string Activate(TfjsGraphNode n, string x, string? activation, string? alpha, bool rank4) => activation switch
    {
        null => x,
        "Relu" => graph.Relu(x),
        "Relu6" => graph.Clip(x, 0f, 6f),
        "Sigmoid" => graph.Sigmoid(x),
        "Prelu" => rank4 ? graph.PRelu(x, alpha!) : throw new NotSupportedException($"{n}: a fused Prelu after MatMul is not converted."),
        "LeakyRelu" => graph.Max(x, graph.Mul(x, alpha!)),
        _ => throw new NotSupportedException($"fused activation '{activation}' is not converted."),
    };

    private GraphValue Binary(TfjsGraphNode n, Func<string, string, string> op)
    {
        var a = Input(n, 0);
        var b = Input(n, 1);
        var shape = Broadcast(a.Shape, b.Shape);
        var rank4 = shape.Length == 4;
        return new GraphValue(op(Operand(a, rank4), Operand(b, rank4)), shape, null);
    }

    private GraphValue Unary(TfjsGraphNode n, Func<string, string> op)
    {
        var x = Input(n, 0);
        return new GraphValue(op(Operand(x, x.Rank == 4)), x.Shape, null);
    }

    private GraphValue Prelu(TfjsGraphNode n)
    {
        var x = Input(n, 0);
        var alpha = Input(n, 1);
        return new GraphValue(graph.PRelu(Operand(x, x.Rank == 4), Operand(alpha, x.Rank == 4)), x.Shape, null);
    }

    private GraphValue Reduce(TfjsGraphNode n, Func<string, int[], bool, string> op)
    {
        var x = Tensor(n, 0, null);
        var axes = Ints(Constant(n, 1, null)).Select(a => Axis(a, x.Rank)).Distinct().Order().ToArray();
        var keep = n.Bool("keep_dims");
        var shape = keep
            ? x.Shape.Select((d, i) => axes.Contains(i) ? 1 : d).ToArray()
            : x.Shape.Where((_, i) => !axes.Contains(i)).ToArray();
        var (source, onnxAxes) = AxesFor(x, axes, keep);
        return new GraphValue(op(source, onnxAxes, keep), shape, null);
    }

    private GraphValue Squeeze(TfjsGraphNode n)
    {
        var x = Tensor(n, 0, null);
        var dims = n.Ints("squeeze_dims").Select(a => Axis((int)a, x.Rank)).Distinct().Order().ToArray();
        if (dims.Length == 0)
        {
            dims = Enumerable.Range(1, x.Rank - 1).Where(i => x.Shape[i] == 1).ToArray();
        }

        if (dims.Any(i => x.Shape[i] != 1))
        {
            throw new InvalidDataException($"cannot squeeze axes [{string.Join(",", dims)}] of [{string.Join(",", x.Shape)}].");
        }

        var (source, onnxAxes) = AxesFor(x, dims, keep: false);
        return new GraphValue(graph.Squeeze(source, onnxAxes), x.Shape.Where((_, i) => !dims.Contains(i)).ToArray(), null);
    }

    private GraphValue Reshape(TfjsGraphNode n)
    {
        var x = Tensor(n, 0, null);
        var target = Ints(Constant(n, 1, 1));
        if (x.Shape[0] != -1 || x.Shape.Skip(1).Any(d => d <= 0))
        {
            throw new NotSupportedException($"reshape of [{string.Join(",", x.Shape)}]: only a dynamic batch and static other axes are converted.");
        }

        // The batch stays the batch (ONNX 0 copies it), whatever the graph wrote there (-1, or 1 for a traced batch).
        if (target.Length == 0 || target[0] is not (-1 or 1))
        {
            throw new NotSupportedException($"reshape to [{string.Join(",", target)}] moves the batch axis.");
        }

        var perSample = x.Shape.Skip(1).Aggregate(1L, (a, d) => a * d);
        var rest = target.Skip(1).ToArray();
        var known = rest.Where(d => d != -1).Aggregate(1L, (a, d) => a * d);
        var unknown = rest.Count(d => d == -1);
        if (unknown > 1 || (unknown == 1 ? perSample % known != 0 : perSample != known) || rest.Any(d => d == 0 || d < -1))
        {
            throw new InvalidDataException($"cannot reshape [{string.Join(",", x.Shape)}] to [{string.Join(",", target)}].");
        }

        rest = rest.Select(d => d == -1 ? (int)(perSample / known) : d).ToArray();
        // TensorFlow reshapes NHWC memory: a rank-4 value goes back to NHWC first (and a rank-4 result to NCHW after),
        // unless that order is the NCHW order already (1×1 spatial, or one channel).
        var source = x.Rank == 4 && !SameMemoryOrder(x.Shape) ? graph.Transpose(x.Onnx!, [0, 2, 3, 1]) : Operand(x, x.Rank == 4);
        int[] shape = [-1, .. rest];
        if (shape.Length == 4)
        {
            var nhwc = graph.Reshape(source, [0, rest[0], rest[1], rest[2]]);
            return new GraphValue(SameMemoryOrder(shape) ? graph.Reshape(nhwc, [0, rest[2], rest[0], rest[1]]) : graph.Transpose(nhwc, [0, 3, 1, 2]), shape, null);
        }

        return new GraphValue(graph.Reshape(source, [0, .. rest.Select(d => (long)d)]), shape, null);
    }

    private GraphValue Pad(TfjsGraphNode n)
    {
        var x = Tensor(n, 0, null);
        var paddings = Constant(n, 1, 2);
        if (paddings.Shape[0] != x.Rank || paddings.Shape[1] != 2)
        {
            throw new InvalidDataException($"paddings [{string.Join(",", paddings.Shape)}] for a rank-{x.Rank} value.");
        }

        var p = Ints(paddings);
        if (p.Any(v => v < 0))
        {
            throw new NotSupportedException("negative padding (cropping) is not converted.");
        }

        var pads = new long[2 * x.Rank];
        var shape = x.Shape.ToArray();
        for (var axis = 0; axis < x.Rank; axis++)
        {
            var onnx = x.Rank == 4 ? PhysicalAxis[axis] : axis;
            pads[onnx] = p[2 * axis];
            pads[x.Rank + onnx] = p[(2 * axis) + 1];
            if (shape[axis] > 0)
            {
                shape[axis] += p[2 * axis] + p[(2 * axis) + 1];
            }
        }

        return new GraphValue(graph.Pad(x.Onnx!, pads), shape, null);
    }

    private GraphValue Softmax(TfjsGraphNode n)
    {
        var x = Tensor(n, 0, null);
        return new GraphValue(graph.Softmax(x.Onnx!, x.Rank == 4 ? 1 : x.Rank - 1), x.Shape, null);
    }

    private GraphValue Pool(TfjsGraphNode n)
    {
        var x = Tensor(n, 0, 4);
        RequireNhwc(n);
        var (kh, kw) = Window(n, "ksize");
        var (sh, sw) = Window(n, "strides");
        var (oh, top, bottom) = Padding(n, x.Shape[1], kh, sh, 1);
        var (ow, left, right) = Padding(n, x.Shape[2], kw, sw, 2);
        int[] pads = [top, left, bottom, right];
        // TensorFlow's average leaves padded cells out, as ONNX's does with count_include_pad = 0.
        var y = n.Op == "MaxPool"
            ? graph.MaxPool(x.Onnx!, [kh, kw], [sh, sw], pads)
            : graph.AveragePool(x.Onnx!, [kh, kw], [sh, sw], pads, countIncludePad: false);
        return new GraphValue(y, [x.Shape[0], oh, ow, x.Shape[3]], null);
    }

    private GraphValue Concat(TfjsGraphNode n)
    {
        var count = n.Inputs.Count - 1;
        var parts = Enumerable.Range(0, count).Select(i => Input(n, i)).ToList();
        var rank = parts[0].Rank;
        var axis = Axis(Ints(Constant(n, count, 0))[0], rank);
        if (parts.Any(p => p.Rank != rank))
        {
            throw new InvalidDataException("concatenated values differ in rank.");
        }

        var shape = parts[0].Shape.ToArray();
        shape[axis] = parts.Any(p => p.Shape[axis] < 0) ? -1 : parts.Sum(p => p.Shape[axis]);
        return new GraphValue(graph.Concat(rank == 4 ? PhysicalAxis[axis] : axis, parts.Select(p => Operand(p, rank == 4)).ToArray()), shape, null);
    }

    /// <summary>
    /// The tensor and ONNX axes a reduction or squeeze of logical <paramref name="axes"/> works on: the NCHW tensor's own
    /// axes when the axes that stay keep their order there, else the value transposed back to NHWC first.
    /// </summary>
    private (string Source, int[] Axes) AxesFor(GraphValue x, int[] axes, bool keep)
    {
        if (x.Rank != 4)
        {
            return (Operand(x, false), axes);
        }

        var remaining = Enumerable.Range(0, 4).Where(i => !axes.Contains(i)).Select(i => PhysicalAxis[i]).ToArray();
        var inOrder = keep || remaining.Zip(remaining.Skip(1)).All(p => p.First < p.Second);
        return inOrder
            ? (x.Onnx!, axes.Select(a => PhysicalAxis[a]).Order().ToArray())
            : (graph.Transpose(x.Onnx!, [0, 2, 3, 1]), axes);
    }

    /// <summary>
    /// The ONNX name of a value used beside others of rank 4 (<paramref name="rank4"/>) or not: constants are written
    /// (once per layout) so that TensorFlow's broadcasting (trailing axes aligned, channels last) holds in NCHW.
    /// </summary>
    private string Operand(GraphValue v, bool rank4)
    {
        if (v.Constant is { } constant)
        {
            return Materialize(constant, rank4);
        }

        if (rank4 && v.Rank != 4 && v.Shape.Any(d => d != 1))
        {
            throw new NotSupportedException($"broadcasting a computed [{string.Join(",", v.Shape)}] value against a rank-4 value is not converted.");
        }

        return v.Onnx!;
    }

    private string Materialize(TfjsTensor constant, bool rank4)
    {
        var key = $"{constant.Name}|{(rank4 && constant.Shape.Length > 0 ? "nchw" : "tf")}";
        if (constants.TryGetValue(key, out var name))
        {
            return name;
        }

        float[] data;
        long[] dims;
        if (rank4 && constant.Shape.Length > 0)
        {
            if (constant.Shape.Length > 4)
            {
                throw new InvalidDataException($"constant '{constant.Name}' [{string.Join(",", constant.Shape)}] broadcasts against a rank-4 value.");
            }

            // Leading ones up to rank 4 (TensorFlow aligns trailing axes), then NHWC → NCHW.
            var s = Enumerable.Repeat(1, 4 - constant.Shape.Length).Concat(constant.Shape).ToArray();
            data = new float[constant.Values.Length];
            for (var b = 0; b < s[0]; b++)
            {
                for (var h = 0; h < s[1]; h++)
                {
                    for (var w = 0; w < s[2]; w++)
                    {
                        for (var c = 0; c < s[3]; c++)
                        {
                            data[(((((b * s[3]) + c) * s[1]) + h) * s[2]) + w] = constant.Values[(((((b * s[1]) + h) * s[2]) + w) * s[3]) + c];
                        }
                    }
                }
            }

            dims = [s[0], s[3], s[1], s[2]];
        }
        else
        {
            data = constant.Values;
            dims = constant.Shape.Select(d => (long)d).ToArray();
        }

        name = graph.Initializer(Unique($"{constant.Name}{(key.EndsWith("nchw", StringComparison.Ordinal) ? "/nchw" : "")}"), data, dims);
        constants[key] = name;
        return name;
    }

    private string Scalar(float value, string name) => graph.Initializer(Unique(name), [value]);

    /// <summary>
    /// Initializers keep their TensorFlow names behind a prefix no name the ONNX writer makes up carries, so the two
    /// never collide.
    /// </summary>
    private static string Unique(string name) => $"tf:{name}";

    private GraphValue Input(TfjsGraphNode n, int index)
    {
        if (index >= n.Inputs.Count)
        {
            throw new InvalidDataException($"input {index} is missing.");
        }

        return values[n.Inputs[index]];
    }

    /// <summary>A computed (non-constant) input, of <paramref name="rank"/> when given.</summary>
    private GraphValue Tensor(TfjsGraphNode n, int index, int? rank)
    {
        var v = Input(n, index);
        if (v.Onnx is null)
        {
            throw new NotSupportedException($"input {index} ('{n.Inputs[index]}') is a constant where a computed value is expected (constant folding is not done).");
        }

        if (rank is { } r && v.Rank != r)
        {
            throw new InvalidDataException($"input {index} ('{n.Inputs[index]}') has rank {v.Rank}, expected {r}.");
        }

        return v;
    }

    /// <summary>A constant input, of <paramref name="rank"/> when given.</summary>
    private TfjsTensor Constant(TfjsGraphNode n, int index, int? rank)
    {
        var v = Input(n, index);
        if (v.Constant is null)
        {
            throw new NotSupportedException($"input {index} ('{n.Inputs[index]}') is computed where a constant is expected.");
        }

        if (rank is { } r && v.Constant.Shape.Length != r)
        {
            throw new InvalidDataException($"constant '{v.Constant.Name}' has rank {v.Constant.Shape.Length}, expected {r}.");
        }

        return v.Constant;
    }

    private static int[] Ints(TfjsTensor t) => t.Values.Select(v => (int)v).ToArray();

    private static int Axis(int axis, int rank) =>
        axis >= -rank && axis < rank ? (axis + rank) % rank : throw new InvalidDataException($"axis {axis} of a rank-{rank} value.");

    private static bool SameMemoryOrder(int[] nhwc) => (nhwc[1] * nhwc[2]) == 1 || nhwc[3] == 1;

    private static void RequireNhwc(TfjsGraphNode n)
    {
        if (n.String("data_format") is { } format && format != "NHWC")
        {
            throw new NotSupportedException($"data_format '{format}' is not converted (NHWC only).");
        }
    }

    /// <summary>The spatial pair of an NHWC window attribute ("strides", "ksize", "dilations"); 1×1 when absent.</summary>
    private static (int H, int W) Window(TfjsGraphNode n, string attribute)
    {
        var v = n.Ints(attribute);
        return v.Length switch
        {
            0 => (1, 1),
            4 when v[0] == 1 && v[3] == 1 => ((int)v[1], (int)v[2]),
            _ => throw new NotSupportedException($"{attribute} [{string.Join(",", v)}] (only spatial windows are converted)."),
        };
    }

    /// <summary>Output size and padding before/after along logical axis <paramref name="axis"/> (1: H, 2: W).</summary>
    private static (int Output, int Before, int After) Padding(TfjsGraphNode n, int size, int kernel, int stride, int axis)
    {
        switch (n.String("padding"))
        {
            case "SAME":
                return TfjsGraphBuilder.SamePadding(size, kernel, stride);
            case "VALID":
                return (((size - kernel) / stride) + 1, 0, 0);
            case "EXPLICIT":
            {
                var p = n.Ints("explicit_paddings");
                if (p.Length != 8)
                {
                    throw new InvalidDataException($"explicit_paddings has {p.Length} values, expected 8.");
                }

                int before = (int)p[2 * axis], after = (int)p[(2 * axis) + 1];
                return (((size + before + after - kernel) / stride) + 1, before, after);
            }

            case var other:
                throw new NotSupportedException($"padding '{other}' is not converted.");
        }
    }

    private static int[] Broadcast(int[] a, int[] b)
    {
        var rank = Math.Max(a.Length, b.Length);
        var shape = new int[rank];
        for (var i = 0; i < rank; i++)
        {
            int ia = i - (rank - a.Length), ib = i - (rank - b.Length);
            var x = ia >= 0 ? a[ia] : 1;
            var y = ib >= 0 ? b[ib] : 1;
            shape[i] = x == y ? x
                : x == 1 ? y
                : y == 1 ? x
                : x == -1 || y == -1 ? -1
                : throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"shapes [{string.Join(",", a)}] and [{string.Join(",", b)}] do not broadcast."));
        }

        return shape;
    }
}

/// <summary>A value of the graph being converted: its ONNX name (null for a constant not yet written), TensorFlow shape, and constant value.</summary>
internal sealed record GraphValue(string? Onnx, int[] Shape, TfjsTensor? Constant)
{
    public int Rank => Shape.Length;
}
