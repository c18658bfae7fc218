namespace FaceGrains.Recognition.Embedding;

/// <summary>Where ONNX Runtime runs a model version's graph.</summary>
public enum ExecutionProvider
{
    /// <summary>ONNX Runtime's CPU provider; present in every build.</summary>
    Cpu,

    /// <summary>
    /// NVIDIA CUDA, with the CPU provider as fallback for nodes CUDA cannot run.
    /// Needs the GPU build of ONNX Runtime (<c>dotnet build -p:OnnxRuntimeGpu=true</c>).
    /// </summary>
    Cuda,
}
