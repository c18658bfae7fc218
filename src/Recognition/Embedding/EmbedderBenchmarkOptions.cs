namespace FaceGrains.Recognition.Embedding;

/// <summary>What <see cref="EmbedderBenchmark"/> measures and for how long.</summary>
public sealed record EmbedderBenchmarkOptions
{
    /// <summary>Images per inference call, one measurement each. Default 1, 8, 32: a single probe, a small micro-batch, the default maximum batch.</summary>
    public IReadOnlyList<int> BatchSizes { get; init; } = [1, 8, 32];

    /// <summary>Time spent running each path before measuring it, so thread pools, allocators and caches settle. Default 1 s.</summary>
    public TimeSpan WarmUp { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Measured time per path and batch size; each path runs at least once. Default 3 s.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Passed to both sessions; default 0, ONNX Runtime's own choice. See <see cref="EmbedderOptions.IntraOpNumThreads"/>.</summary>
    public int IntraOpNumThreads { get; init; }

    /// <summary>Passed to both sessions; default <see cref="Embedding.ExecutionProvider.Cpu"/>.</summary>
    public ExecutionProvider ExecutionProvider { get; init; } = ExecutionProvider.Cpu;

    /// <summary>Seed of the random input, so runs compare like with like. Default 1.</summary>
    public int Seed { get; init; } = 1;

    public void Validate()
    {
        if (BatchSizes.Count == 0 || BatchSizes.Any(b => b <= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(BatchSizes), "Give at least one batch size, each positive.");
        }

        if (WarmUp < TimeSpan.Zero || Duration <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(Duration), "Warm-up must not be negative and the duration must be positive.");
        }

        new EmbedderOptions { IntraOpNumThreads = IntraOpNumThreads, ExecutionProvider = ExecutionProvider }.Validate();
    }
}
