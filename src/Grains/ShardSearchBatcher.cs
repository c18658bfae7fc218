using System.Threading.Channels;
using FaceGrains.Grains.Interfaces;
using Microsoft.Extensions.Options;

namespace FaceGrains.Grains;

/// <summary>
/// Joins the probes of concurrent identify calls on this silo into one search per shard, as the embedder batcher joins
/// images, so that many callers with one probe each can get the batched scan's throughput (a shard scores 32 probes in
/// about 6× the time of one; docs/BENCHMARKS.md). It never waits to fill a batch: a call searches at once when a search slot is free
/// (<see cref="GalleryOptions.SearchConcurrency"/> batches in flight per silo), and the calls that arrive while every
/// slot is busy go together in the next batch (up to <see cref="GalleryOptions.SearchMaxBatchProbes"/> probes, one model
/// version each). Each call gets its own probes' candidates, trimmed to its own k.
/// </summary>
public sealed class ShardSearchBatcher : IDisposable
{
    private readonly Channel<Job> queue = Channel.CreateUnbounded<Job>(new UnboundedChannelOptions { SingleReader = true });
    private readonly GalleryOptions options;
    private readonly SemaphoreSlim slots;
    private readonly Lazy<Task> loop;
    private long batches;
    private long calls;

    public ShardSearchBatcher(IOptions<GalleryOptions> options)
    {
        this.options = options.Value;
        slots = new SemaphoreSlim(this.options.SearchConcurrency);
        loop = new(() => Task.Run(RunAsync));
    }

    /// <summary>Shard searches made and identify calls served so far (for tests and statistics).</summary>
    public (long Batches, long Calls) Served => (Interlocked.Read(ref batches), Interlocked.Read(ref calls));

    /// <summary>Every shard of <paramref name="modelVersion"/> searched for <paramref name="probes"/> (L2-normalised); one result per shard.</summary>
    public Task<ShardSearchResult[]> SearchAsync(IGrainFactory grains, string modelVersion, ProbeBatch probes, int k)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(probes);
        _ = loop.Value;
        var job = new Job(grains, modelVersion, probes, k, new TaskCompletionSource<ShardSearchResult[]>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!queue.Writer.TryWrite(job))
        {
            throw new ObjectDisposedException(nameof(ShardSearchBatcher));
        }

        return job.Done.Task;
    }

    public void Dispose() => queue.Writer.TryComplete();

    private async Task RunAsync()
    {
        var reader = queue.Reader;
        Job? held = null;
        while (held is not null || await reader.WaitToReadAsync())
        {
            await slots.WaitAsync();
            var first = held ?? (reader.TryRead(out var next) ? next : null);
            held = null;
            if (first is null)
            {
                slots.Release();
                continue;
            }

            var batch = new List<Job> { first };
            var total = first.Probes.Count;
            while (total < options.SearchMaxBatchProbes && reader.TryRead(out var more))
            {
                if (more.ModelVersion != first.ModelVersion || more.Probes.Dimension != first.Probes.Dimension
                    || total + more.Probes.Count > options.SearchMaxBatchProbes)
                {
                    held = more;
                    break;
                }

                batch.Add(more);
                total += more.Probes.Count;
            }

            _ = RunAsync(batch, total);
        }
    }

    private async Task RunAsync(List<Job> batch, int total)
    {
        try
        {
            var first = batch[0];
            var dim = first.Probes.Dimension;
            var probes = first.Probes;
            if (batch.Count > 1)
            {
                var rows = new float[total * dim];
                var at = 0;
                foreach (var job in batch)
                {
                    job.Probes.Embeddings.AsSpan(0, job.Probes.Count * dim).CopyTo(rows.AsSpan(at));
                    at += job.Probes.Count * dim;
                }

                probes = new ProbeBatch(rows, total, dim);
            }

            var k = batch.Max(j => j.K);
            var shards = await Task.WhenAll(Enumerable.Range(0, options.ShardCount)
                .Select(s => first.Grains.GetGrain<IGalleryShardGrain>(GalleryPartitioning.ShardKey(first.ModelVersion, s)).SearchAsync(probes, k)));
            Interlocked.Increment(ref batches);
            Interlocked.Add(ref calls, batch.Count);
            var offset = 0;
            foreach (var job in batch)
            {
                var start = offset;
                job.Done.TrySetResult(batch.Count == 1 ? shards : shards.Select(s => new ShardSearchResult(
                    Enumerable.Range(start, job.Probes.Count).Select(p => (IReadOnlyList<Candidate>)s.Candidates[p].Take(job.K).ToList()).ToList(),
                    s.IdentityCount)).ToArray());
                offset += job.Probes.Count;
            }
        }
        catch (Exception e)
        {
            foreach (var job in batch)
            {
                job.Done.TrySetException(e);
            }
        }
        finally
        {
            slots.Release();
        }
    }

    private sealed record Job(IGrainFactory Grains, string ModelVersion, ProbeBatch Probes, int K, TaskCompletionSource<ShardSearchResult[]> Done);
}
