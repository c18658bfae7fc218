namespace FaceGrains.Recognition.Importers;

/// <summary>
/// A TensorFlow.js graph model rebuilt as ONNX by <see cref="TfjsGraphConverter"/>: one input [batch, 3, H, W]
/// (NCHW float32) and one output [batch, <see cref="OutputSize"/>], the graph pruned to what that output needs.
/// </summary>
/// <param name="OpCounts">The TensorFlow ops converted, with how many nodes of each (for the manifest's notes).</param>
public sealed record ConvertedGraph(byte[] Onnx, string InputName, string OutputName, int InputHeight, int InputWidth, int OutputSize, IReadOnlyDictionary<string, int> OpCounts)
{
    /// <summary>"_FusedConv2D ×35, Relu ×17, …", most used first.</summary>
    public string DescribeOps() =>
        string.Join(", ", OpCounts.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} ×{p.Value}"));
}
