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
        var cause = inner is null
            ? $"this ONNX Runtime build only offers {offered}"
            : $"it is in this build ({offered}) but failed to start: {inner.Message}";
        return $"Execution provider {requested} was requested, but {cause}. "
            + "Build with -p:OnnxRuntimeGpu=true (Microsoft.ML.OnnxRuntime.Gpu) and run on a machine with a matching CUDA and cuDNN, or choose Cpu.";
    }
}
