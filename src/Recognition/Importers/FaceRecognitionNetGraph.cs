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

    public static byte[] Build(IReadOnlyDictionary<string, TfjsTensor> weights)
    {
        var net = new Builder(weights);
        return net.Build();
    }

    private sealed class Builder
    {
        private readonly OnnxGraphBuilder _g = new("face_recognition_net");
        private readonly TfjsGraphBuilder _tf;
        private int _size = InputSize;
        private int _channels = 3;

        public Builder(IReadOnlyDictionary<string, TfjsTensor> weights) => _tf = new TfjsGraphBuilder("FaceRecognitionNet", weights, _g);

        public byte[] Build()
        {
            _g.DocString = "dlib ResNet face descriptor (face-api.js FaceRecognitionNet), imported by FaceGrains.";
            var x = _g.Input(InputName, 3, InputSize, InputSize);

            x = ConvLayer(x, "conv32_down", stride: 2, valid: true, relu: true);
            x = _g.MaxPool(x, [3, 3], [2, 2], [0, 0, 0, 0]);
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
            return _g.Relu(_g.Add(outcome, x));
        }

        private string ResidualDown(string x, string name)
        {
            var inChannels = _channels;
            var inSize = _size;
            var main = ConvLayer(x, $"{name}/conv1", stride: 2, valid: true, relu: true);
            main = ConvLayer(main, $"{name}/conv2", stride: 1, valid: false, relu: false);

            var skip = _g.AveragePool(x, [2, 2], [2, 2], [0, 0, 0, 0]);
            var skipSize = ValidOutput(inSize, 2, 2);
            if (skipSize != _size)
            {
                // face-api appends a zero row and column to the main path when the pooled skip is larger.
                var grow = skipSize - _size;
                main = _g.Pad(main, [0, 0, 0, 0, 0, 0, grow, grow]);
                _size = skipSize;
            }

            if (_channels != inChannels)
            {
                skip = _g.Pad(skip, [0, 0, 0, 0, 0, _channels - inChannels, 0, 0]);
            }

            return _g.Relu(_g.Add(skip, main));
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
            var y2 = _g.Conv(
                x,
                _g.Initializer($"{name}/weights", w, cout, cin, kh, kw),
                _g.Initializer($"{name}/bias", b, cout),
                [kh, kw],
                [stride, stride],
                [pad, pad, pad, pad]);
            _channels = cout;
            _size = valid ? ValidOutput(_size, kh, stride) : _size;
            return relu ? _g.Relu(y2) : y2;
        }

        private TfjsTensor Tensor(string name, int rank) => _tf.Tensor(name, rank);

        private static int ValidOutput(int size, int kernel, int stride) => ((size - kernel) / stride) + 1;
    }
}
