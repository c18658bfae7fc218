namespace FaceGrains.Recognition.Onnx;

/// <summary>A constant tensor stored in the graph as raw little-endian data (float32 or int64).</summary>
internal sealed record OnnxInitializer(string Name, long[] Dims, int DataType, byte[] RawData);
