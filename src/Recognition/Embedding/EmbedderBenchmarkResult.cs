namespace FaceGrains.Recognition.Embedding;

/// <summary>
/// Throughput at one batch size through <see cref="FaceEmbedder.EmbedTensors"/> (the wrapper) and through a plain
/// <c>InferenceSession.Run</c> with fresh tensors per call (direct), with the bytes each allocates per call.
/// </summary>
public sealed record EmbedderBenchmarkResult(
    int BatchSize,
    double WrapperImagesPerSecond,
    double DirectImagesPerSecond,
    long WrapperBytesAllocatedPerCall,
    long DirectBytesAllocatedPerCall)
{
    /// <summary>How much longer the wrapper takes per image than the direct path, in percent; negative when it is faster.</summary>
    public double WrapperOverheadPercent => (DirectImagesPerSecond / WrapperImagesPerSecond - 1) * 100;
}
