using FaceGrains.Recognition.Onnx;

namespace FaceGrains.Recognition.Importers;

/// <summary>
/// Rebuilds face-api.js's SSD MobileNet v1 face detector as an ONNX graph. Architecture facts from the package's
/// sources (<c>src/ssdMobilenetv1</c>): 512×512 RGB in −1..1 (the caller pads and scales); MobileNet v1 = a 3×3
/// stride-2 conv, then 13 pairs of 3×3 depthwise conv + batch norm (ε 0.001) + ReLU6 and 1×1 conv + offset +
/// ReLU6, with the depthwise stride 2 at pairs 2, 4, 6 and 12; eight more conv + offset + ReLU6 layers
/// (strides 1, 2, 1, 2, 1, 2, 1, 2); six box predictors (1×1 conv + bias for box encodings and class logits) on
/// pair 11's output and on the MobileNet output and prediction layers 1, 3, 5, 7. All padding is TF "same".
/// The graph ends at the predictors: reshaping, anchor decoding, sigmoid and NMS are in C#
/// (<see cref="Detection.SsdOutputDecoder"/>), where they can be tested one by one.
/// </summary>
public static class SsdMobilenetV1Graph
{
    public const int InputSize = 512;
    public const string InputName = "image";

    /// <summary>Anchors per cell of each predictor's feature map (1 = 32×32 map of pair 11, then 16, 8, 4, 2, 1).</summary>
    public static readonly int[] AnchorsPerCell = [3, 6, 6, 6, 6, 6];

    /// <summary>Feature map side of each predictor for a 512 input.</summary>
    public static readonly int[] FeatureMapSizes = [32, 16, 8, 4, 2, 1];

    public const int ClassCount = 3;
    public const float BatchNormEpsilon = 0.0010000000474974513f;

    public static string BoxOutput(int predictor) => $"box_encodings_{predictor}";

    public static string ClassOutput(int predictor) => $"class_logits_{predictor}";

    /// <summary>
    /// Builds the ONNX bytes; <paramref name="anchors"/> receives the weights' "Output/extra_dim" (5118 × [ymin, xmin,
    /// ymax, xmax]). <paramref name="int8"/>: the network in QDQ form from the first pointwise convolution on — every
    /// ReLU6 output after the first as uint8 over its whole range 0..6 (known, so no calibration), the convolutions
    /// reading them with int8 weights per output channel — which ONNX Runtime runs as int8 convolutions. The first
    /// convolution and the first depthwise one (256×256, cheap) stay float32: quantising their output too moved the face
    /// scores further from float32's for no speed (tried once; docs/BENCHMARKS.md "Detection in int8"). The box and
    /// class predictors stay float32 on the dequantised features.
    /// </summary>
    public static byte[] Build(IReadOnlyDictionary<string, TfjsTensor> weights, out float[] anchors, bool int8 = false)
    {
        var g = new OnnxGraphBuilder("ssd_mobilenet_v1_face");
        g.DocString = int8
            ? "face-api.js SSD MobileNet v1 face detector (predictor outputs), int8 QDQ body, imported by FaceGrains."
            : "face-api.js SSD MobileNet v1 face detector (predictor outputs), imported by FaceGrains.";
        var tf = new TfjsGraphBuilder("SsdMobilenetv1", weights, g);
        var x = new TfFeature(g.Input(InputName, 3, InputSize, InputSize), 3, InputSize);
        var layer = 0;
        Func<TfFeature, TfFeature> activation = f => int8 && layer++ >= 1 ? tf.Quantize(tf.Relu6(f), 6f / 255f, 0) : tf.Relu6(f);

        x = Pointwise(tf, x, "MobilenetV1/Conv2d_0_pointwise", stride: 2, activation);
        TfFeature conv11 = default;
        for (var i = 1; i <= 13; i++)
        {
            var prefix = $"MobilenetV1/Conv2d_{i}_depthwise";
            var c = x.Channels;
            var gamma = tf.Values($"{prefix}/BatchNorm/gamma", c);
            var beta = tf.Values($"{prefix}/BatchNorm/beta", c);
            var mean = tf.Values($"{prefix}/BatchNorm/moving_mean", c);
            var variance = tf.Values($"{prefix}/BatchNorm/moving_variance", c);
            var scale = new float[c];
            var shift = new float[c];
            for (var k = 0; k < c; k++)
            {
                scale[k] = gamma[k] / MathF.Sqrt(variance[k] + BatchNormEpsilon);
                shift[k] = beta[k] - (mean[k] * scale[k]);
            }

            var stride = i is 2 or 4 or 6 or 12 ? 2 : 1;
            x = activation(tf.Depthwise(x, $"{prefix}/depthwise_weights", stride, scale, shift));
            x = Pointwise(tf, x, $"MobilenetV1/Conv2d_{i}_pointwise", stride: 1, activation);
            if (i == 11)
            {
                conv11 = x;
            }
        }

        var p0 = Pointwise(tf, x, "Prediction/Conv2d_0_pointwise", 1, activation);
        var p1 = Pointwise(tf, p0, "Prediction/Conv2d_1_pointwise", 2, activation);
        var p2 = Pointwise(tf, p1, "Prediction/Conv2d_2_pointwise", 1, activation);
        var p3 = Pointwise(tf, p2, "Prediction/Conv2d_3_pointwise", 2, activation);
        var p4 = Pointwise(tf, p3, "Prediction/Conv2d_4_pointwise", 1, activation);
        var p5 = Pointwise(tf, p4, "Prediction/Conv2d_5_pointwise", 2, activation);
        var p6 = Pointwise(tf, p5, "Prediction/Conv2d_6_pointwise", 1, activation);
        var p7 = Pointwise(tf, p6, "Prediction/Conv2d_7_pointwise", 2, activation);

        TfFeature[] sources = [conv11, x, p1, p3, p5, p7];
        for (var k = 0; k < sources.Length; k++)
        {
            if (sources[k].Size != FeatureMapSizes[k])
            {
                throw new InvalidDataException($"SsdMobilenetv1 predictor {k} sees a {sources[k].Size}×{sources[k].Size} map, expected {FeatureMapSizes[k]}.");
            }

            // The predictors read float32 (the dequantised features in the int8 graph): their outputs are the scores.
            var source = sources[k] with { Int8Scale = null };
            var a = AnchorsPerCell[k];
            var boxPrefix = $"Prediction/BoxPredictor_{k}/BoxEncodingPredictor";
            var box = tf.Conv(source, $"{boxPrefix}/weights", tf.Values($"{boxPrefix}/biases", a * 4), 1);
            g.Output(BoxOutput(k), box.Name, a * 4, box.Size, box.Size);
            var classPrefix = $"Prediction/BoxPredictor_{k}/ClassPredictor";
            var cls = tf.Conv(source, $"{classPrefix}/weights", tf.Values($"{classPrefix}/biases", a * ClassCount), 1);
            g.Output(ClassOutput(k), cls.Name, a * ClassCount, cls.Size, cls.Size);
        }

        var extra = tf.Tensor("Output/extra_dim", 3);
        var expected = AnchorsPerCell.Select((a, k) => a * FeatureMapSizes[k] * FeatureMapSizes[k]).Sum();
        if (extra.Shape[0] != 1 || extra.Shape[1] != expected || extra.Shape[2] != 4)
        {
            throw new InvalidDataException($"SsdMobilenetv1 'Output/extra_dim' is [{string.Join(",", extra.Shape)}], expected [1,{expected},4].");
        }

        anchors = extra.Values;

        // The TF graph's own pre/post-processing constants (resize size, slices, concat axes): done in C# instead.
        tf.CheckAllUsed(name => name.StartsWith("Preprocessor/", StringComparison.Ordinal)
            || name.StartsWith("Postprocessor/", StringComparison.Ordinal)
            || name.Contains("/stack", StringComparison.Ordinal)
            || name.StartsWith("concat", StringComparison.Ordinal));
        return g.ToBytes();
    }

    /// <summary>face-api.js's "pointwise conv layer": conv (any kernel) + batch-norm offset + ReLU6 (<paramref name="activation"/>).</summary>
    private static TfFeature Pointwise(TfjsGraphBuilder tf, TfFeature x, string prefix, int stride, Func<TfFeature, TfFeature> activation)
    {
        var filters = tf.Tensor($"{prefix}/weights", 4);
        var offset = tf.Values($"{prefix}/convolution_bn_offset", filters.Shape[3]);
        return activation(tf.Conv(x, $"{prefix}/weights", offset, stride));
    }
}
