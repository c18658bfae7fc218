using FaceGrains.Recognition.Onnx;

namespace FaceGrains.Recognition.Importers;

/// <summary>
/// Rebuilds face-api.js's FaceLandmark68Net as an ONNX graph. Architecture facts from the package's sources
/// (<c>src/faceFeatureExtractor</c>, <c>src/faceLandmarkNet</c>): 112×112 RGB, <c>(px − mean) / 255</c> done by the
/// caller; four dense blocks of four convs each (the first conv of block 0 a plain 3×3 conv, every other conv a
/// depthwise-separable 3×3 conv with bias; the first conv of each block has stride 2), where conv k sees the
/// ReLU of the sum of the outputs before it; a 7×7 stride-2 "valid" average pool; a 256→136 fully connected
/// layer: 68 (x, y) pairs as fractions of the 112 square.
/// </summary>
public static class FaceLandmark68NetGraph
{
    public const int InputSize = 112;
    public const int PointCount = 68;
    public const string InputName = "face";
    public const string OutputName = "landmarks";

    public static byte[] Build(IReadOnlyDictionary<string, TfjsTensor> weights)
    {
        var g = new OnnxGraphBuilder("face_landmark_68_net");
        g.DocString = "face-api.js FaceLandmark68Net (68 points), imported by FaceGrains.";
        var tf = new TfjsGraphBuilder("FaceLandmark68Net", weights, g);
        var x = new TfFeature(g.Input(InputName, 3, InputSize, InputSize), 3, InputSize);
        for (var block = 0; block < 4; block++)
        {
            x = DenseBlock(tf, x, $"dense{block}", first: block == 0);
        }

        if (x.Size != 7)
        {
            throw new InvalidDataException($"FaceLandmark68Net features are {x.Size}×{x.Size}, expected 7×7.");
        }

        var pooled = g.Flatten(g.AveragePool(x.Name, [7, 7], [2, 2], [0, 0, 0, 0]));
        var fc = tf.Tensor("fc/weights", 2);
        if (fc.Shape[0] != x.Channels || fc.Shape[1] != PointCount * 2)
        {
            throw new InvalidDataException($"FaceLandmark68Net 'fc/weights' is [{string.Join(",", fc.Shape)}], expected [{x.Channels},{PointCount * 2}].");
        }

        var bias = tf.Values("fc/bias", PointCount * 2);
        var y = g.Gemm(pooled, g.Initializer("fc/onnx_weights", fc.Values, fc.Shape[0], fc.Shape[1]), g.Initializer("fc/onnx_bias", bias, PointCount * 2), transB: false);
        g.Output(OutputName, y, PointCount * 2);
        tf.CheckAllUsed(_ => false);
        return g.ToBytes();
    }

    private static TfFeature DenseBlock(TfjsGraphBuilder tf, TfFeature x, string prefix, bool first)
    {
        TfFeature out1;
        if (first)
        {
            var filters = tf.Tensor($"{prefix}/conv0/filters", 4);
            out1 = tf.Conv(x, $"{prefix}/conv0/filters", tf.Values($"{prefix}/conv0/bias", filters.Shape[3]), stride: 2);
        }
        else
        {
            out1 = Separable(tf, x, $"{prefix}/conv0", stride: 2);
        }

        out1 = tf.Relu(out1);
        var out2 = Separable(tf, out1, $"{prefix}/conv1", 1);
        var sum2 = tf.Add(out1, out2);
        var out3 = Separable(tf, tf.Relu(sum2), $"{prefix}/conv2", 1);
        var sum3 = tf.Add(sum2, out3);
        var out4 = Separable(tf, tf.Relu(sum3), $"{prefix}/conv3", 1);
        return tf.Relu(tf.Add(sum3, out4));
    }

    /// <summary>TF separableConv2d ("same") + bias: a depthwise 3×3 conv, then a 1×1 conv carrying the bias.</summary>
    private static TfFeature Separable(TfjsGraphBuilder tf, TfFeature x, string prefix, int stride)
    {
        var depthwise = tf.Depthwise(x, $"{prefix}/depthwise_filter", stride);
        var pointwise = tf.Tensor($"{prefix}/pointwise_filter", 4);
        return tf.Conv(depthwise, $"{prefix}/pointwise_filter", tf.Values($"{prefix}/bias", pointwise.Shape[3]), 1);
    }
}
