using FaceGrains.Recognition;
using FaceGrains.Recognition.Detection;

namespace FaceGrains.Grains;

/// <summary>Settings of the face gallery on a silo (validated at start). Defaults are documented in the README.</summary>
public sealed class GalleryOptions
{
    /// <summary>Data directory: model store (<c>models/</c>), download cache and face images (<c>faces/</c>). In a cluster every silo must see the same directory.</summary>
    public string Home { get; set; } = FaceGrainsHome.Resolve().Root;

    /// <summary>Where face images are kept; empty = <c>&lt;Home&gt;/faces</c>. In a cluster, a directory every silo shares.</summary>
    public string FacesDirectory { get; set; } = "";

    /// <summary>The face image directory in effect.</summary>
    public string ResolvedFacesDirectory => string.IsNullOrWhiteSpace(FacesDirectory) ? Path.Combine(Home, "faces") : FacesDirectory;

    /// <summary>Shards per model version; every silo must agree. Shards are rebuilt from the identity directory, so it may change between whole-cluster restarts.</summary>
    public int ShardCount { get; set; } = 16;

    /// <summary>false: shards keep one centroid row per identity. true: every face embedding, an identity scoring as its best face.</summary>
    public bool StoreAllFaceEmbeddings { get; set; }

    /// <summary>Most images the embedder joins into one ONNX Runtime call.</summary>
    public int EmbedderMaxBatch { get; set; } = 32;

    /// <summary>How long a waiting image may hold its batch open for more requests to join.</summary>
    public int EmbedderMaxWaitMilliseconds { get; set; } = 2;

    /// <summary>
    /// Shard-search batches in flight per silo; identify calls arriving while all are busy are joined into the next one.
    /// 64 by default: on one silo at 100,000 identities, joining from 2 in flight lost 11–16 % of throughput (the scan of
    /// 6,000 rows per shard is not where the time goes; docs/BENCHMARKS.md), so calls are joined only under heavy load.
    /// </summary>
    public int SearchConcurrency { get; set; } = 64;

    /// <summary>
    /// How often (seconds) a shard checks that it runs on its home silo (shard s on the s-th active silo by address) and,
    /// when silos have joined or left, moves there (it rebuilds from the identity directory on arrival); 0: never.
    /// </summary>
    public int ShardRebalanceSeconds { get; set; } = 30;

    /// <summary>
    /// How often (seconds) a shard that changed writes a snapshot of its rows to grain storage (also when it is
    /// deactivated, e.g. at a silo's shutdown), so a cold start reads its rows in bulk and asks only the identities changed
    /// since for theirs; 0: never (every activation asks every member identity grain).
    /// </summary>
    public int ShardSnapshotSeconds { get; set; } = 30;

    /// <summary>
    /// How shards keep their rows: float32 (exact), bf16 (half the memory) or int8 (a row scale each: 3.9× less at 128-d).
    /// Probes stay float32. Every silo must agree; it may change between restarts (snapshots keep the rows as read back).
    /// </summary>
    public string ShardPrecision { get; set; } = "float32";

    /// <summary>Most probes (faces) one joined shard search carries.</summary>
    public int SearchMaxBatchProbes { get; set; } = 128;

    /// <summary>ONNX Runtime intra-op threads per silo; 0 lets ONNX Runtime choose (one per core).</summary>
    public int EmbedderIntraOpThreads { get; set; }

    /// <summary>
    /// Which build of the face detector prepares photos: float32 (the published weights) or int8 (its MobileNet body in
    /// int8, about twice as fast on CPUs with int8 dot products; docs/BENCHMARKS.md "Detection in int8" compares them).
    /// </summary>
    public string DetectorPrecision { get; set; } = "float32";

    /// <summary>The default open-set operating point: target false-positive identification rate at the gallery's current size.</summary>
    public double DefaultTargetFpir { get; set; } = 1e-2;

    /// <summary>The default 1:1 operating point for verification: target false-match rate of one comparison.</summary>
    public double VerificationTargetFmr { get; set; } = 1e-3;

    /// <summary>Candidates returned per probe (top-k).</summary>
    public int CandidateCount { get; set; } = 5;

    /// <summary>Most candidates a request may ask for.</summary>
    public int MaxCandidateCount { get; set; } = 100;

    /// <summary>
    /// The version a new cluster activates first: an id or unique prefix in the model store, or a name of the import
    /// catalogue (e.g. <c>faceapi-int8</c>, imported at start when the store lacks it); empty = the imported face-api
    /// model (imported on first start). Ignored once the cluster's model registry has an active version: from then on
    /// versions change with <c>facegrains models activate</c>.
    /// </summary>
    public string InitialModel { get; set; } = "";

    /// <summary>Most identities a migration re-embeds at once (it backs off below this to keep identify latency in bounds).</summary>
    public int MigrationConcurrency { get; set; } = 4;

    /// <summary>How far identify p99 may rise over its level before a migration (a factor) before the migration backs off.</summary>
    public double MigrationLatencyBudget { get; set; } = 1.5;

    /// <summary>How much worse (rank-1 or FNIR, in fractions) a candidate may be than the active version and still pass the gate.</summary>
    public double GateMargin { get; set; } = 0.01;

    /// <summary>Largest accepted image file, in bytes.</summary>
    public long MaxImageBytes { get; set; } = Recognition.Images.ImageLimits.DefaultMaxBytes;

    /// <summary>Largest accepted image, in pixels.</summary>
    public long MaxImagePixels { get; set; } = Recognition.Images.ImageLimits.DefaultMaxPixels;

    /// <summary>The problems with these settings, empty when they are usable.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Home))
        {
            problems.Add("Home must name a directory.");
        }

        if (ShardCount is < 1 or > 4096)
        {
            problems.Add($"ShardCount {ShardCount} must be between 1 and 4096.");
        }

        if (EmbedderMaxBatch is < 1 or > 1024)
        {
            problems.Add($"EmbedderMaxBatch {EmbedderMaxBatch} must be between 1 and 1024.");
        }

        if (EmbedderMaxWaitMilliseconds is < 0 or > 1000)
        {
            problems.Add($"EmbedderMaxWaitMilliseconds {EmbedderMaxWaitMilliseconds} must be between 0 and 1000.");
        }

        if (!DetectorPrecisions.Names.Contains(DetectorPrecision))
        {
            problems.Add($"DetectorPrecision '{DetectorPrecision}' must be one of: {string.Join(", ", DetectorPrecisions.Names)}.");
        }

        if (!Recognition.Similarity.ShardPrecisions.Names.Contains(ShardPrecision))
        {
            problems.Add($"ShardPrecision '{ShardPrecision}' must be one of: {string.Join(", ", Recognition.Similarity.ShardPrecisions.Names)}.");
        }

        if (ShardSnapshotSeconds is < 0 or > 86400)
        {
            problems.Add($"ShardSnapshotSeconds {ShardSnapshotSeconds} must be between 0 (never) and 86400.");
        }

        if (ShardRebalanceSeconds is < 0 or > 86400)
        {
            problems.Add($"ShardRebalanceSeconds {ShardRebalanceSeconds} must be between 0 (never) and 86400.");
        }

        if (SearchConcurrency is < 1 or > 64)
        {
            problems.Add($"SearchConcurrency {SearchConcurrency} must be between 1 and 64.");
        }

        if (SearchMaxBatchProbes is < 1 or > 4096)
        {
            problems.Add($"SearchMaxBatchProbes {SearchMaxBatchProbes} must be between 1 and 4096.");
        }

        if (EmbedderIntraOpThreads < 0)
        {
            problems.Add($"EmbedderIntraOpThreads {EmbedderIntraOpThreads} must be 0 (automatic) or more.");
        }

        if (!(DefaultTargetFpir > 0 && DefaultTargetFpir < 1))
        {
            problems.Add($"DefaultTargetFpir {DefaultTargetFpir} must be in (0, 1).");
        }

        if (!(VerificationTargetFmr > 0 && VerificationTargetFmr < 1))
        {
            problems.Add($"VerificationTargetFmr {VerificationTargetFmr} must be in (0, 1).");
        }

        if (MaxCandidateCount < 1 || CandidateCount < 1 || CandidateCount > MaxCandidateCount)
        {
            problems.Add($"CandidateCount {CandidateCount} must be between 1 and MaxCandidateCount {MaxCandidateCount}.");
        }

        if (MigrationConcurrency is < 1 or > 256)
        {
            problems.Add($"MigrationConcurrency {MigrationConcurrency} must be between 1 and 256.");
        }

        if (!(MigrationLatencyBudget >= 1))
        {
            problems.Add($"MigrationLatencyBudget {MigrationLatencyBudget} must be 1 or more (a factor over identify p99 before the migration).");
        }

        if (!(GateMargin is >= 0 and <= 1))
        {
            problems.Add($"GateMargin {GateMargin} must be between 0 and 1.");
        }

        if (MaxImageBytes < 1 || MaxImagePixels < 1 || MaxImagePixels > Recognition.Images.ImageLimits.MaxSupportedPixels)
        {
            problems.Add($"MaxImageBytes and MaxImagePixels must be positive (pixels at most {Recognition.Images.ImageLimits.MaxSupportedPixels}).");
        }

        return problems;
    }
}
