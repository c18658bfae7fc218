using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace FaceGrains.Grains;

/// <summary>
/// Joins the preprocessed images of concurrent embedding requests on this silo into micro-batches: the first waiting
/// request holds a batch open for at most <see cref="GalleryOptions.EmbedderMaxWaitMilliseconds"/> or until
/// <see cref="GalleryOptions.EmbedderMaxBatch"/> images are queued, then one ONNX Runtime call embeds them all.
/// One inference loop per silo, on its own thread (never on a grain's scheduler).
/// </summary>
public sealed class EmbeddingBatcher : IDisposable
{
    private readonly Channel<Job> queue = Channel.CreateUnbounded<Job>(new UnboundedChannelOptions { SingleReader = true });
    private readonly int maxBatch;
    private readonly TimeSpan maxWait;
    private readonly Lazy<Task> loop;
    private readonly GalleryMetrics metrics;

    public EmbeddingBatcher(IOptions<GalleryOptions> options, GalleryMetrics metrics)
    {
        this.metrics = metrics;
        maxBatch = options.Value.EmbedderMaxBatch;
        maxWait = TimeSpan.FromMilliseconds(options.Value.EmbedderMaxWaitMilliseconds);
        loop = new(() => Task.Factory.StartNew(RunAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap());
    }

    /// <summary>Batches served and images embedded so far (for tests and statistics).</summary>
    public (long Batches, long Images) Served => (Interlocked.Read(ref batches), Interlocked.Read(ref images));

    private long batches;
    private long images;

    /// <summary>Embeds <paramref name="count"/> NCHW tensors; returns their L2-normalised embeddings, row-major.</summary>
    public Task<float[]> EmbedAsync(LoadedModel model, float[] tensors, int count)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        _ = loop.Value;
        var job = new Job(model, tensors, count, Stopwatch.GetTimestamp(), new TaskCompletionSource<float[]>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!queue.Writer.TryWrite(job))
        {
            throw new ObjectDisposedException(nameof(EmbeddingBatcher));
        }

        return job.Done.Task;
    }

    public void Dispose() => queue.Writer.TryComplete();

    private async Task RunAsync()
    {
        var reader = queue.Reader;
        Job? held = null;
        var batch = new List<Job>();
        while (held is not null || await reader.WaitToReadAsync())
        {
            batch.Clear();
            var first = held ?? (reader.TryRead(out var next) ? next : null);
            held = null;
            if (first is null)
            {
                continue;
            }

            batch.Add(first);
            var total = first.Count;
            var deadline = DateTime.UtcNow + maxWait;
            while (total < maxBatch)
            {
                if (reader.TryRead(out var more))
                {
                    if (more.Model != first.Model || total + more.Count > maxBatch)
                    {
                        held = more;
                        break;
                    }

                    batch.Add(more);
                    total += more.Count;
                    continue;
                }

                var remaining = deadline - DateTime.UtcNow;
                if (remaining <= TimeSpan.Zero)
                {
                    break;
                }

                var arrived = reader.WaitToReadAsync().AsTask();
                if (await Task.WhenAny(arrived, Task.Delay(remaining)) != arrived || !await arrived)
                {
                    break;
                }
            }

            Run(batch, total);
        }
    }

    private void Run(List<Job> batch, int total)
    {
        var started = Stopwatch.GetTimestamp();
        foreach (var job in batch)
        {
            metrics.EmbedderQueueWait(job.Queued, started);
        }

        metrics.EmbedderBatch(total);
        try
        {
            var model = batch[0].Model;
            var dim = model.Dimension;
            var input = batch.Count == 1 ? batch[0].Tensors : Concatenate(batch, total, model.Embedder.InputSize);
            var raw = new float[total * dim];
            var normalized = new float[total * dim];
            model.Embedder.EmbedTensors(input, total, raw, normalized);
            Interlocked.Increment(ref batches);
            Interlocked.Add(ref images, total);
            var row = 0;
            foreach (var job in batch)
            {
                job.Done.TrySetResult(normalized.AsSpan(row * dim, job.Count * dim).ToArray());
                row += job.Count;
            }
        }
        catch (Exception e)
        {
            foreach (var job in batch)
            {
                job.Done.TrySetException(e);
            }
        }
    }

    private static float[] Concatenate(List<Job> batch, int total, int inputSize)
    {
        var input = new float[total * inputSize];
        var at = 0;
        foreach (var job in batch)
        {
            job.Tensors.AsSpan(0, job.Count * inputSize).CopyTo(input.AsSpan(at));
            at += job.Count * inputSize;
        }

        return input;
    }

    private sealed record Job(LoadedModel Model, float[] Tensors, int Count, long Queued, TaskCompletionSource<float[]> Done);
}
