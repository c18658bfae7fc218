namespace FaceGrains.Recognition.Embedding;

/// <summary>A model version's ONNX file is missing, unreadable, or does not match its manifest.</summary>
public sealed class InvalidModelException : Exception
{
    public InvalidModelException(string onnxPath, string problem, Exception? inner = null)
        : base($"Model file {onnxPath}: {problem}", inner)
    {
        OnnxPath = onnxPath;
    }

    public string OnnxPath { get; }
}
