using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace FaceGrains.Grains;

/// <summary>
/// The gallery's instruments, on the one <see cref="Meter"/> named <see cref="MeterName"/> (one per silo, from the host's
/// <see cref="IMeterFactory"/>). The grains record where the work happens; a host exports them (the silo: Prometheus
/// text at <c>/metrics</c>). Tag names and values are spelt here once, as the REST API spells them.
/// </summary>
public sealed class GalleryMetrics
{
    public const string MeterName = "FaceGrains";

    /// <summary>Bucket bounds of the latency histograms, seconds: 1 ms to 30 s.</summary>
    private static readonly double[] SecondsBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    /// <summary>Bucket bounds of the queue-wait and shard-scan histograms, seconds: 10 µs to 1 s.</summary>
    private static readonly double[] ShortSecondsBuckets = [0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

    private static readonly int[] BatchBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256];

    /// <summary>Cosine bounds of the top-score histogram: −0.5 to 0.9 by 0.05, then 0.01 apart up to 1 (where thresholds lie).</summary>
    private static readonly double[] ScoreBuckets =
        [.. Enumerable.Range(-10, 29).Select(i => i / 20.0), .. Enumerable.Range(91, 10).Select(i => i / 100.0)];

    private readonly Histogram<double> enrolDuration;
    private readonly Histogram<double> identifyDuration;
    private readonly Histogram<double> verifyDuration;
    private readonly Histogram<int> batchSize;
    private readonly Histogram<double> queueWait;
    private readonly Histogram<double> shardSearch;
    private readonly Counter<long> shardRebuildRows;
    private readonly Histogram<double> shardRebuild;
    private readonly Counter<long> shardSnapshotBytes;
    private readonly Counter<long> answers;
    private readonly Histogram<double> topScore;
    private readonly ConcurrentDictionary<string, (string ModelVersion, int Shard, int Rows)> shards = new(StringComparer.Ordinal);

    public GalleryMetrics(IMeterFactory meters, IdentifyScoreDrift drift)
    {
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(drift);
        Drift = drift;
        var meter = meters.Create(MeterName);
        enrolDuration = meter.CreateHistogram("facegrains.enrol.duration", "s", "Enrolment calls (photos or embeddings) by outcome: accepted (at least one face enrolled), nothing_accepted, error.", advice: Buckets(SecondsBuckets));
        identifyDuration = meter.CreateHistogram("facegrains.identify.duration", "s", "Identify calls (every face of the probes) by outcome: identified (at least one face), no_correspondence (faces, none identified), no_face (no usable face), error.", advice: Buckets(SecondsBuckets));
        verifyDuration = meter.CreateHistogram("facegrains.verify.duration", "s", "Verify calls by outcome: match, no_match, unusable (a face or the identity missing), error.", advice: Buckets(SecondsBuckets));
        batchSize = meter.CreateHistogram("facegrains.embedder.batch.size", "{image}", "Faces embedded per ONNX Runtime call of this silo's embedder.", advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = BatchBuckets });
        queueWait = meter.CreateHistogram("facegrains.embedder.queue.wait", "s", "Time an embedding request waited for its batch to start.", advice: Buckets(ShortSecondsBuckets));
        shardSearch = meter.CreateHistogram("facegrains.shard.search.duration", "s", "One shard's top-k scan of one probe batch.", advice: Buckets(ShortSecondsBuckets));
        shardRebuildRows = meter.CreateCounter<long>("facegrains.shard.rebuild.identities", "{identity}", "Identities a shard took at activation, by source: snapshot (read in bulk from its snapshot) or identity (asked their grain: new or changed since the snapshot, or no snapshot).");
        shardRebuild = meter.CreateHistogram("facegrains.shard.rebuild.duration", "s", "A shard's activation: listing its directory partitions, reading its snapshot and asking the identities not in it.", advice: Buckets(SecondsBuckets));
        shardSnapshotBytes = meter.CreateCounter<long>("facegrains.shard.snapshot.bytes", "By", "Bytes of shard snapshots written to grain storage.");
        meter.CreateObservableGauge("facegrains.shard.rows", ObserveShards, "{row}", "Rows (centroids, or faces) in each gallery shard active on this silo.");
        answers = meter.CreateCounter<long>("facegrains.identify.answers", "{face}", "Faces answered by identify, by decision: identified or no_correspondence.");
        topScore = meter.CreateHistogram("facegrains.identify.top_score", unit: null, "Best candidate's cosine score per face searched (non-empty gallery).", advice: Buckets(ScoreBuckets));
        meter.CreateObservableGauge("facegrains.identify.score_drift", () => drift.Read().Drift, unit: null,
            "Kolmogorov–Smirnov distance between the recent top scores below the threshold and the calibration's distribution of the top impostor score below it (0 = as calibrated).");
        meter.CreateObservableGauge("facegrains.identify.recent.above_threshold", () => drift.Read().AboveThreshold, unit: null,
            "Share of the recent faces whose top score reached the threshold.");
        meter.CreateObservableGauge("facegrains.identify.recent.expected_fpir", () => drift.Read().ExpectedFpir, unit: null,
            "The calibration's FPIR at the recent faces' thresholds (their mean): the share above the threshold expected if no probe were of an enrolled person.");
        meter.CreateObservableGauge("facegrains.identify.recent.faces", () => drift.Read().Faces, "{face}",
            "Faces in this silo's drift window (the most recent, at most IdentifyScoreDrift.Capacity).");
    }

    /// <summary>This silo's window of recent top scores, read by the drift gauges.</summary>
    public IdentifyScoreDrift Drift { get; }

    public void Enrolled(TimeSpan elapsed, int accepted, bool failed) =>
        enrolDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("outcome", failed ? "error" : accepted > 0 ? "accepted" : "nothing_accepted"));

    /// <summary>One identify call: its latency by outcome (from the faces' decisions) and one answer count per face.</summary>
    public void Identified(TimeSpan elapsed, int identified, int noCorrespondence, bool failed)
    {
        var outcome = failed ? "error" : identified > 0 ? "identified" : noCorrespondence > 0 ? "no_correspondence" : "no_face";
        identifyDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("outcome", outcome));
        if (identified > 0)
        {
            answers.Add(identified, new KeyValuePair<string, object?>("decision", "identified"));
        }

        if (noCorrespondence > 0)
        {
            answers.Add(noCorrespondence, new KeyValuePair<string, object?>("decision", "no_correspondence"));
        }
    }

    /// <summary>One verify call by outcome; <paramref name="match"/> is null when there was nothing to compare.</summary>
    public void Verified(TimeSpan elapsed, bool? match, bool failed) =>
        verifyDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("outcome", failed ? "error" : match switch
        {
            true => "match",
            false => "no_match",
            null => "unusable",
        }));

    /// <summary>A searched face's best candidate score (the histogram; the drift window is fed separately, with its reference).</summary>
    public void TopScore(double score) => topScore.Record(score);

    public void EmbedderBatch(int images) => batchSize.Record(images);

    public void EmbedderQueueWait(long queuedTimestamp, long startedTimestamp) => queueWait.Record(Stopwatch.GetElapsedTime(queuedTimestamp, startedTimestamp).TotalSeconds);

    public void ShardSearched(TimeSpan elapsed) => shardSearch.Record(elapsed.TotalSeconds);

    /// <summary>A shard activation on this silo now holds <paramref name="rows"/> rows.</summary>
    public void ShardResized(string shardKey, string modelVersion, int shard, int rows) =>
        shards[shardKey] = (modelVersion.Length > 12 ? modelVersion[..12] : modelVersion, shard, rows);

    /// <summary>A shard activation left this silo (its rows are reported by the silo it moves to).</summary>
    public void ShardRebuilt(int fromSnapshot, int asked, TimeSpan elapsed)
    {
        shardRebuildRows.Add(fromSnapshot, new KeyValuePair<string, object?>("source", "snapshot"));
        shardRebuildRows.Add(asked, new KeyValuePair<string, object?>("source", "identity"));
        shardRebuild.Record(elapsed.TotalSeconds);
    }

    public void ShardSnapshotWritten(int bytes) => shardSnapshotBytes.Add(bytes);

    public void ShardDeactivated(string shardKey) => shards.TryRemove(shardKey, out _);

    private IEnumerable<Measurement<int>> ObserveShards() =>
        shards.Values.Select(s => new Measurement<int>(s.Rows, new KeyValuePair<string, object?>("model_version", s.ModelVersion), new KeyValuePair<string, object?>("shard", s.Shard)));

    private static InstrumentAdvice<double> Buckets(double[] bounds) => new() { HistogramBucketBoundaries = bounds };
}
