using System.Diagnostics;
using System.Threading.Channels;
using FaceGrains.Recognition.Preprocessing;

namespace FaceGrains.Trainer.Data;

/// <summary>
/// Builds an epoch's batches on background threads and keeps up to <c>prefetch</c> of them ready, so the
/// model rather than the loader sets the pace. Each sample's augmentation is seeded by (seed, epoch, position).
/// </summary>
public sealed class BatchLoader(IReadOnlyList<FaceSample> samples, FaceCache cache, Augmenter augmenter, PreprocessingSpec spec, int threads, int prefetch, int seed)
{
    private long _imagesBuilt;
    private long _ticksBusy;

    /// <summary>Images per second of loader work (decode-free: augmentation + preprocessing), per busy second.</summary>
    public double ImagesPerSecond => _ticksBusy == 0 ? 0 : _imagesBuilt / (_ticksBusy / (double)Stopwatch.Frequency);

    public ChannelReader<TrainingBatch> Start(IReadOnlyList<int[]> batches, int epoch, CancellationToken cancel)
    {
        var channel = Channel.CreateBounded<TrainingBatch>(new BoundedChannelOptions(prefetch) { SingleWriter = true, SingleReader = true });
        _ = Task.Run(async () =>
        {
            try
            {
                for (var b = 0; b < batches.Count; b++)
                {
                    var batch = Build(batches[b], epoch, b);
                    await channel.Writer.WriteAsync(batch, cancel).ConfigureAwait(false);
                }

                channel.Writer.Complete();
            }
            catch (Exception e)
            {
                channel.Writer.Complete(e);
            }
        }, cancel);
        return channel.Reader;
    }

    public TrainingBatch Build(int[] indices, int epoch, int batchIndex)
    {
        var start = Stopwatch.GetTimestamp();
        var size = 3 * spec.Width * spec.Height;
        var kept = indices.Where(i => cache[i] is not null).ToArray();
        var images = new float[kept.Length * size];
        var labels = new long[kept.Length];
        Parallel.For(0, kept.Length, new ParallelOptions { MaxDegreeOfParallelism = threads }, j =>
        {
            var rng = new Random(Seeds.Mix(seed, epoch, batchIndex, j));
            augmenter.Fill(cache[kept[j]]!, rng, images.AsSpan(j * size, size));
            labels[j] = samples[kept[j]].Label;
        });
        Interlocked.Add(ref _imagesBuilt, kept.Length);
        Interlocked.Add(ref _ticksBusy, Stopwatch.GetTimestamp() - start);
        return new TrainingBatch(images, labels, kept.Length);
    }
}
