using Microsoft.ML.OnnxRuntime;

namespace FaceGrains.Recognition.Detection;

/// <summary>How the detection-stage runners open their ONNX Runtime sessions.</summary>
internal static class OnnxSessions
{
    public static InferenceSession Open(string onnxPath, int intraOpThreads)
    {
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        };
        if (intraOpThreads > 0)
        {
            options.IntraOpNumThreads = intraOpThreads;
        }

        try
        {
            return new InferenceSession(onnxPath, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new Embedding.InvalidModelException(onnxPath, $"ONNX Runtime cannot load it as a model ({e.Message.Trim()}).", e);
        }
    }
}
