using FaceGrains.Recognition.Onnx;

namespace FaceGrains.Recognition.Importers;

/// <summary>
/// Rebuilds face-api.js's FaceRecognitionNet (the dlib 29-layer ResNet, 128-d descriptor) as an ONNX graph.
/// Architecture facts from the package's sources: 150×150 RGB input, <c>(px − mean) / 255</c> done by the
/// preprocessor; a 7×7 stride-2 "valid" conv, 3×3 stride-2 "valid" max pool, then residual blocks of 3×3
/// "same" convs; each down-sampling block convolves with stride 2 "valid", and its skip path is a 2×2
/// average pool zero-padded on channels (and the main path zero-padded on the bottom/right when the
/// spatial sizes differ); global mean; a 256→128 matrix product. Each conv is followed by a bias and a
/// per-channel scale layer, folded here into the conv's weights and bias.
/// </summary>
public static class FaceRecognitionNetGraph
{
    public const int InputSize = 150;
    public const int EmbeddingSize = 128;
    public const string InputName = "input";
    public const string OutputName = "embedding";

    /// <summary>Prefix of the extra outputs of <see cref="BuildObserved"/>: "activation/0", "activation/1", ….</summary>
    public const string ObservedPrefix = "activation/";

    /// <summary>
    /// The float32 graph, or with <paramref name="int8Ranges"/> its int8 form (ONNX QDQ): the input, every convolution's
    /// output (after its ReLU where it has one) and every residual sum are quantised to uint8 over their measured
    /// range (one <see cref="ActivationRange"/> per quantisation point, in the order <see cref="BuildObserved"/> numbers
    /// them); every convolution reads int8 weights per output channel, so ONNX Runtime runs them as int8 convolutions
    /// and the sums as int8 additions. Pooling and padding keep their input's levels; the final mean and the 256→128
    /// product stay float32.
    /// </summary>
    public static byte[] Build(IReadOnlyDictionary<string, TfjsTensor> weights, IReadOnlyList<ActivationRange>? int8Ranges = null)
    {
        var net = new Builder(weights, int8Ranges, observe: false);
        var onnx = net.Build();
        if (int8Ranges is not null && net.Points != int8Ranges.Count)
        {
            throw new ArgumentException($"The int8 graph has {net.Points} quantisation points; {int8Ranges.Count} ranges were given.", nameof(int8Ranges));
        }

        return onnx;
    }

    /// <summary>
    /// The float32 graph with every quantisation point of the int8 form also an output (<see cref="ObservedPrefix"/> and
    /// its number; <paramref name="signed"/>[k]: whether point k can be negative), for measuring their ranges.
    /// </summary>
    public static byte[] BuildObserved(IReadOnlyDictionary<string, TfjsTensor> weights, out IReadOnlyList<bool> signed)
    {
        var net = new Builder(weights, null, observe: true);
        var onnx = net.Build();
        signed = net.Signed;
        return onnx;
    }

    private sealed class Builder
    {
        private readonly OnnxGraphBuilder _g = new("face_recognition_net");
        private readonly TfjsGraphBuilder _tf;
        private readonly IReadOnlyList<ActivationRange>? _ranges;
        private readonly bool _observe;
        private readonly List<bool> _signed = [];

        /// <summary>The uint8 levels (scale, zero point) of each quantised value of the int8 graph, by value name.</summary>
        private readonly Dictionary<string, (float Scale, byte ZeroPoint)> _levels = [];
        private int _size = InputSize;
        private int _channels = 3;

        public Builder(IReadOnlyDictionary<string, TfjsTensor> weights, IReadOnlyList<ActivationRange>? ranges, bool observe)
        {
            _tf = new TfjsGraphBuilder("FaceRecognitionNet", weights, _g);
            _ranges = ranges;
            _observe = observe;
        }

        public int Points => _signed.Count;

        public IReadOnlyList<bool> Signed => _signed;

        public byte[] Build()
        {
            _g.DocString = _ranges is null
                ? "dlib ResNet face descriptor (face-api.js FaceRecognitionNet), imported by FaceGrains."
                : "dlib ResNet face descriptor (face-api.js FaceRecognitionNet), int8 QDQ, imported by FaceGrains.";
            var x = Point(_g.Input(InputName, 3, InputSize, InputSize), signed: true);

            x = ConvLayer(x, "conv32_down", stride: 2, valid: true, relu: true);
            x = SameLevels(_g.MaxPool(x, [3, 3], [2, 2], [0, 0, 0, 0]), x);
            _size = ValidOutput(_size, 3, 2);

            x = Residual(x, "conv32_1");
            x = Residual(x, "conv32_2");
            x = Residual(x, "conv32_3");
            x = ResidualDown(x, "conv64_down");
            x = Residual(x, "conv64_1");
            x = Residual(x, "conv64_2");
            x = Residual(x, "conv64_3");
            x = ResidualDown(x, "conv128_down");
            x = Residual(x, "conv128_1");
            x = Residual(x, "conv128_2");
            x = ResidualDown(x, "conv256_down");
            x = Residual(x, "conv256_1");
            x = Residual(x, "conv256_2");
            x = ResidualDown(x, "conv256_down_out");

            x = _g.Flatten(_g.GlobalAveragePool(x));
            var fc = Tensor("fc", 2);
            if (fc.Shape[0] != _channels || fc.Shape[1] != EmbeddingSize)
            {
                throw new InvalidDataException($"FaceRecognitionNet 'fc' is [{string.Join(",", fc.Shape)}], expected [{_channels},{EmbeddingSize}].");
            }

            x = _g.Gemm(x, _g.Initializer("fc", fc.Values, fc.Shape[0], fc.Shape[1]), null, transB: false);
            _g.Output(OutputName, x, EmbeddingSize);

            _tf.CheckAllUsed(_ => false);
            return _g.ToBytes();
        }

        private string Residual(string x, string name)
        {
            var outcome = ConvLayer(x, $"{name}/conv1", stride: 1, valid: false, relu: true);
            outcome = ConvLayer(outcome, $"{name}/conv2", stride: 1, valid: false, relu: false);
            return Point(_g.Relu(_g.Add(outcome, x)), signed: false);
        }

        private string ResidualDown(string x, string name)
        {
            var inChannels = _channels;
            var inSize = _size;
            var main = ConvLayer(x, $"{name}/conv1", stride: 2, valid: true, relu: true);
            main = ConvLayer(main, $"{name}/conv2", stride: 1, valid: false, relu: false);

            var skip = SameLevels(_g.AveragePool(x, [2, 2], [2, 2], [0, 0, 0, 0]), x);
            var skipSize = ValidOutput(inSize, 2, 2);
            if (skipSize != _size)
            {
                // face-api appends a zero row and column to the main path when the pooled skip is larger.
                var grow = skipSize - _size;
                main = SameLevels(_g.Pad(main, [0, 0, 0, 0, 0, 0, grow, grow]), main);
                _size = skipSize;
            }

            if (_channels != inChannels)
            {
                skip = SameLevels(_g.Pad(skip, [0, 0, 0, 0, 0, _channels - inChannels, 0, 0]), skip);
            }

            return Point(_g.Relu(_g.Add(skip, main)), signed: false);
        }

        /// <summary>conv → + bias → · scale + scale bias (→ ReLU), folded into one conv.</summary>
        private string ConvLayer(string x, string name, int stride, bool valid, bool relu)
        {
            var filters = Tensor($"{name}/conv/filters", 4);
            var bias = Tensor($"{name}/conv/bias", 1);
            var scale = Tensor($"{name}/scale/weights", 1);
            var scaleBias = Tensor($"{name}/scale/biases", 1);
            int kh = filters.Shape[0], kw = filters.Shape[1], cin = filters.Shape[2], cout = filters.Shape[3];
            if (cin != _channels || bias.ElementCount != cout || scale.ElementCount != cout || scaleBias.ElementCount != cout)
            {
                throw new InvalidDataException($"FaceRecognitionNet layer '{name}' has filters [{string.Join(",", filters.Shape)}] on {_channels} input channels; bias/scale sizes {bias.ElementCount}/{scale.ElementCount}/{scaleBias.ElementCount}.");
            }

            // TF stores filters as [kh, kw, in, out]; ONNX wants [out, in, kh, kw].
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
                            w[(((((o * cin) + i) * kh) + y) * kw) + xk] = filters.Values[tf] * scale.Values[o];
                        }
                    }
                }
            }

            var b = new float[cout];
            for (var o = 0; o < cout; o++)
            {
                b[o] = (bias.Values[o] * scale.Values[o]) + scaleBias.Values[o];
            }

            // TF "same" with stride 1 and an odd kernel pads (k−1)/2 on every side; "valid" pads nothing.
            var pad = valid ? 0 : (kh - 1) / 2;
            var (weightsValue, biasValue) = _levels.TryGetValue(x, out var input)
                ? _g.QuantizedConvParameters($"{name}/weights", $"{name}/bias", w, b, input.Scale, cout, cin, kh, kw)
                : (_g.Initializer($"{name}/weights", w, cout, cin, kh, kw), _g.Initializer($"{name}/bias", b, cout));
            var y2 = _g.Conv(x, weightsValue, biasValue, [kh, kw], [stride, stride], [pad, pad, pad, pad]);
            _channels = cout;
            _size = valid ? ValidOutput(_size, kh, stride) : _size;
            return Point(relu ? _g.Relu(y2) : y2, signed: !relu);
        }

        /// <summary>
        /// A quantisation point: in the int8 graph, <paramref name="x"/> quantised over its range; in the observed graph,
        /// also an output; in the float32 graph, <paramref name="x"/> itself.
        /// </summary>
        private string Point(string x, bool signed)
        {
            var k = _signed.Count;
            _signed.Add(signed);
            if (_observe)
            {
                _g.Output($"{ObservedPrefix}{k}", x, _channels, _size, _size);
                return x;
            }

            if (_ranges is null)
            {
                return x;
            }

            if (k >= _ranges.Count)
            {
                throw new ArgumentException($"Only {_ranges.Count} activation ranges for the int8 graph's quantisation points.");
            }

            var levels = _ranges[k].ToUInt8();
            var q = _g.QuantizeDequantize(x, levels.Scale, levels.ZeroPoint);
            _levels[q] = levels;
            return q;
        }

        /// <summary>
        /// Pooling and zero padding stay within their input's range: in the int8 graph they keep its levels (ONNX
        /// Runtime then runs them on the uint8 values).
        /// </summary>
        private string SameLevels(string y, string input)
        {
            if (!_levels.TryGetValue(input, out var levels))
            {
                return y;
            }

            var q = _g.QuantizeDequantize(y, levels.Scale, levels.ZeroPoint);
            _levels[q] = levels;
            return q;
        }

        private TfjsTensor Tensor(string name, int rank) => _tf.Tensor(name, rank);

        private static int ValidOutput(int size, int kernel, int stride) => ((size - kernel) / stride) + 1;
    }
}
