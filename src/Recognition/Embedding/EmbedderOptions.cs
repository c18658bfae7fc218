namespace FaceGrains.Recognition.Embedding;

/// <summary>How a <see cref="FaceEmbedder"/> runs its model version.</summary>
public sealed record EmbedderOptions
{
    /// <summary>
    /// Threads ONNX Runtime may use inside one operator. Default 0: ONNX Runtime's own choice
    /// (one per physical core). Lower it when several embedders or silos share a machine.
    /// </summary>
    public int IntraOpNumThreads { get; init; }

    /// <summary>Default <see cref="Embedding.ExecutionProvider.Cpu"/>, which every build of ONNX Runtime has.</summary>
    public ExecutionProvider ExecutionProvider { get; init; } = ExecutionProvider.Cpu;

    /// <summary>Which GPU runs the model when <see cref="ExecutionProvider"/> is Cuda. Default 0, the first GPU.</summary>
    public int CudaDeviceId { get; init; }

    /// <summary>
    /// Most images in one inference call; longer inputs are split into batches of this size.
    /// Default 32: past it CPU throughput stops improving for face-sized inputs while buffer memory keeps growing.
    /// </summary>
    public int MaxBatchSize { get; init; } = 32;

    public void Validate()
    {
        if (IntraOpNumThreads < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(IntraOpNumThreads), IntraOpNumThreads, "IntraOpNumThreads must be 0 (ONNX Runtime's default) or positive.");
        }

        if (!Enum.IsDefined(ExecutionProvider))
        {
            throw new ArgumentOutOfRangeException(nameof(ExecutionProvider), ExecutionProvider, "Unknown execution provider.");
        }

        if (CudaDeviceId < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(CudaDeviceId), CudaDeviceId, "CudaDeviceId must be 0 or positive.");
        }

        if (MaxBatchSize <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxBatchSize), MaxBatchSize, "MaxBatchSize must be positive.");
        }
    }
}
