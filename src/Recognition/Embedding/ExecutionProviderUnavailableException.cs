namespace FaceGrains.Recognition.Embedding;

/// <summary>The requested execution provider is not part of the ONNX Runtime build this process loaded, or failed to start.</summary>
public sealed class ExecutionProviderUnavailableException : Exception
{
    public ExecutionProviderUnavailableException(ExecutionProvider requested, IReadOnlyList<string> available, Exception? inner = null)
        : base(Describe(requested, available, inner), inner)
    {
        Requested = requested;
        Available = available;
    }

    public ExecutionProvider Requested { get; }

    /// <summary>What <c>OrtEnv.GetAvailableProviders()</c> reported, e.g. "CPUExecutionProvider".</summary>
    public IReadOnlyList<string> Available { get; }

    private static string Describe(ExecutionProvider requested, IReadOnlyList<string> available, Exception? inner)
    {
        var offered = $"[{string.Join(", ", available)}]";
        return inner is null
            ? $"Execution provider {requested} was requested, but this ONNX Runtime build only offers {offered}. "
                + "Build with -p:OnnxRuntimeGpu=true (Microsoft.ML.OnnxRuntime.Gpu.Linux 1.31.0) and run on a machine with CUDA 13 and cuDNN 9, or choose Cpu."
            : $"Execution provider {requested} is in this ONNX Runtime build {offered} but failed to start ({inner.Message.TrimEnd('.')}): "
                + "it needs CUDA 13 (libcudart, libcublas, libcublasLt, libcurand) and cuDNN 9 on the library path (LD_LIBRARY_PATH) and an NVIDIA driver, or choose Cpu.";
    }
}
