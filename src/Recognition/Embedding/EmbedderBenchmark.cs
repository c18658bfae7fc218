using System.Diagnostics;
using FaceGrains.Recognition.Models;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace FaceGrains.Recognition.Embedding;

/// <summary>
/// Measures embedder throughput against batch size, and what <see cref="FaceEmbedder"/> costs or saves compared with
/// calling ONNX Runtime directly the way most callers do: a new <see cref="DenseTensor{T}"/> and
/// <see cref="NamedOnnxValue"/> per call, outputs allocated by ONNX Runtime, then copied out and normalised.
/// Both paths use the same session settings and the same random input; they run one after the other, never together.
/// </summary>
public static class EmbedderBenchmark
{
    private const int ImageChannels = 3;

    public static IReadOnlyList<EmbedderBenchmarkResult> Run(ModelVersion version, EmbedderBenchmarkOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        var largest = options.BatchSizes.Max();
        var embedderOptions = new EmbedderOptions
        {
            IntraOpNumThreads = options.IntraOpNumThreads,
            ExecutionProvider = options.ExecutionProvider,
            MaxBatchSize = largest,
        };
        using var embedder = new FaceEmbedder(version, embedderOptions);
        if (embedder.MaxBatchSize < largest)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"The model has a fixed batch size of {embedder.MaxBatchSize}; batch size {largest} cannot be measured.");
        }

        using var sessionOptions = FaceEmbedder.CreateSessionOptions(embedderOptions, out _);
        using var session = new InferenceSession(version.OnnxPath, sessionOptions);

        var random = new Random(options.Seed);
        var input = new float[largest * embedder.InputSize];
        foreach (ref var value in input.AsSpan())
        {
            value = random.NextSingle();
        }

        var results = new List<EmbedderBenchmarkResult>();
        foreach (var batch in options.BatchSizes)
        {
            var raw = new float[batch * embedder.EmbeddingSize];
            var normalized = new float[raw.Length];
            var batchInput = input.AsMemory(0, batch * embedder.InputSize);
            var wrapper = Measure(() => embedder.EmbedTensors(batchInput.Span, batch, raw, normalized), options, cancellationToken);
            var direct = Measure(() => RunDirect(session, version.Manifest, batchInput.Span, batch, embedder.EmbeddingSize), options, cancellationToken);
            results.Add(new EmbedderBenchmarkResult(
                batch,
                wrapper.CallsPerSecond * batch,
                direct.CallsPerSecond * batch,
                wrapper.BytesPerCall,
                direct.BytesPerCall));
        }

        return results;
    }

    /// <summary>One call the way a caller without the wrapper would write it.</summary>
    private static FaceEmbedding[] RunDirect(InferenceSession session, ModelManifest manifest, ReadOnlySpan<float> input, int batch, int embeddingSize)
    {
        var spec = manifest.Preprocessing;
        var tensor = new DenseTensor<float>(input.ToArray(), [batch, ImageChannels, spec.Height, spec.Width]);
        var inputs = new List<NamedOnnxValue> { NamedOnnxValue.CreateFromTensor(manifest.InputName, tensor) };
        using var outputs = session.Run(inputs, [manifest.OutputName]);
        var output = outputs[0].AsTensor<float>().ToArray();
        var embeddings = new FaceEmbedding[batch];
        for (var i = 0; i < batch; i++)
        {
            var row = output.AsSpan(i * embeddingSize, embeddingSize);
            var normalized = new float[embeddingSize];
            FaceEmbedder.NormalizeRows(row, embeddingSize, normalized);
            embeddings[i] = new FaceEmbedding(row.ToArray(), normalized);
        }

        return embeddings;
    }

    private static (double CallsPerSecond, long BytesPerCall) Measure(Action call, EmbedderBenchmarkOptions options, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        do
        {
            cancellationToken.ThrowIfCancellationRequested();
            call();
        }
        while (clock.Elapsed < options.WarmUp);

        var calls = 0L;
        var bytesBefore = GC.GetAllocatedBytesForCurrentThread();
        clock.Restart();
        do
        {
            cancellationToken.ThrowIfCancellationRequested();
            call();
            calls++;
        }
        while (clock.Elapsed < options.Duration);

        var seconds = clock.Elapsed.TotalSeconds;
        var bytes = GC.GetAllocatedBytesForCurrentThread() - bytesBefore;
        return (calls / seconds, bytes / calls);
    }
}
