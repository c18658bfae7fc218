namespace FaceGrains.Recognition.Importers;

/// <summary>
/// Rebuilds a TensorFlow.js graph model as ONNX through our writer, node by node: the graph is pruned to what the chosen
/// output needs, fused ops are unfused as their attributes say (<c>_FusedConv2D</c> with BiasAdd and an activation,
/// <c>_FusedMatMul</c>, …), and TensorFlow's NHWC layout becomes ONNX's NCHW once, at the input: every rank-4 value is
/// kept NCHW, each op that names axes (reductions, squeeze, reshape, pad, concat, softmax) maps them, and constants
/// that broadcast against rank-4 values are laid out to match. An op the converter does not know fails the import,
/// naming every such op and its nodes.
/// </summary>
public static class TfjsGraphConverter
{
    /// <summary>The TensorFlow ops a graph may use.</summary>
    public static IReadOnlySet<string> SupportedOps { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "Const", "Placeholder", "Identity",
        "Conv2D", "_FusedConv2D", "DepthwiseConv2dNative", "FusedDepthwiseConv2dNative",
        "MatMul", "_FusedMatMul",
        "Add", "AddV2", "BiasAdd", "Sub", "Mul", "RealDiv", "Maximum", "Minimum",
        "Relu", "Relu6", "Prelu", "Abs", "Sigmoid", "Sqrt", "Rsqrt", "Square",
        "Mean", "Sum", "Squeeze", "Reshape", "Pad", "Softmax", "MaxPool", "AvgPool", "ConcatV2",
    };

    /// <param name="model">The parsed graph model.</param>
    /// <param name="inputNode">The Placeholder the face image is fed to: [batch, H, W, 3] in TensorFlow.</param>
    /// <param name="outputNode">The node whose value is the embedding: [batch, D] (a model with several heads names one).</param>
    /// <param name="graphName">The ONNX graph's name.</param>
    public static ConvertedGraph Convert(TfjsGraphModel model, string inputNode, string outputNode, string graphName)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(inputNode);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputNode);
        return new TfjsGraphConversion(model, graphName).Run(inputNode, outputNode);
    }
}
