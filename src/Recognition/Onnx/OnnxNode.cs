namespace FaceGrains.Recognition.Onnx;

internal sealed record OnnxNode(string OpType, string Name, string[] Inputs, string[] Outputs, OnnxAttribute[] Attributes);
