using System.Diagnostics;

namespace FaceGrains.Recognition.Similarity;

/// <summary>
/// A quick, self-contained measurement of the shard scan on this machine (for <c>facegrains bench</c>),
/// on a random L2-normalised gallery held in a <see cref="ShardMatrix"/> and searched as a shard searches it
/// (<see cref="ShardMatrix.Search"/>: scores and top-k). Single-threaded, like one shard.
/// </summary>
public static class SimilarityBenchmark
{
    /// <summary>Candidates kept per probe, as the matcher would ask of a shard.</summary>
    private const int CandidatesPerProbe = 10;

    /// <summary>Fixed so two runs on one machine compare like with like.</summary>
    private const int Seed = 20240601;

    private const double BytesPerGigabyte = 1e9;

    /// <summary>
    /// Builds an <paramref name="n"/>×<paramref name="dim"/> gallery, warms up once, then spends half of
    /// <paramref name="seconds"/> on single-probe scans and half on batches of <paramref name="probes"/> probes. With
    /// <paramref name="compareBlas"/>, OpenBLAS (<c>cblas_sgemv</c> / <c>cblas_sgemm</c>, one thread) answers the same
    /// probes on the same matrix with the same top-k, and the two take turns in short rounds so that a noisy machine
    /// slows both alike. <paramref name="precision"/>: how the shard keeps its rows (OpenBLAS always reads float32); the
    /// GB/s figures count the bytes the shard's rows take in that precision.
    /// </summary>
    public static SimilarityBenchmarkResult Run(int n, int dim, int probes, int seconds, bool compareBlas = false, ShardPrecision precision = ShardPrecision.Float32)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dim);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(probes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(seconds);

        var random = new Random(Seed);
        var gallery = RandomUnitRows(random, n, dim);
        var probeMatrix = RandomUnitRows(random, probes, dim);
        var scores = new float[(long)probes * n];
        var matrix = new ShardMatrix(dim, precision);
        for (var row = 0; row < n; row++)
        {
            matrix.Upsert(row.ToString(System.Globalization.CultureInfo.InvariantCulture), gallery.AsSpan(row * dim, dim));
        }

        var galleryBytes = (double)n * precision.BytesPerRow(dim);
        var blas = compareBlas && OpenBlas.Unavailable is null;
        const int Rounds = 4;
        var phase = TimeSpan.FromSeconds(seconds / 2.0 / Rounds / (blas ? 2 : 1));

        long singleScans = 0, blasSingleScans = 0, batches = 0, blasBatches = 0;
        TimeSpan single = default, blasSingle = default, batched = default, blasBatched = default;
        for (var round = 0; round < Rounds; round++)
        {
            single += Measure(phase, ref singleScans, i => matrix.Search(probeMatrix.AsSpan((int)(i % probes) * dim, dim), 1, CandidatesPerProbe));
            if (blas)
            {
                blasSingle += Measure(phase, ref blasSingleScans, i =>
                {
                    var row = scores.AsSpan(0, n);
                    OpenBlas.Gemv(gallery, n, dim, probeMatrix.AsSpan((int)(i % probes) * dim, dim), row);
                    TopK.Select(row, CandidatesPerProbe);
                });
            }

            batched += Measure(phase, ref batches, _ => matrix.Search(probeMatrix, probes, CandidatesPerProbe));
            if (blas)
            {
                blasBatched += Measure(phase, ref blasBatches, _ =>
                {
                    OpenBlas.Gemm(probeMatrix, probes, gallery, n, dim, scores);
                    TopK.SelectBatch(scores, probes, CandidatesPerProbe);
                });
            }
        }

        var singlePerSecond = singleScans / single.TotalSeconds;
        var batchProbesPerSecond = batches * probes / batched.TotalSeconds;
        return new SimilarityBenchmarkResult(
            n,
            dim,
            probes,
            singlePerSecond * galleryBytes / BytesPerGigabyte,
            singlePerSecond,
            batchProbesPerSecond * galleryBytes / BytesPerGigabyte,
            batchProbesPerSecond,
            blas ? blasSingleScans / blasSingle.TotalSeconds : null,
            blas ? blasBatches * probes / blasBatched.TotalSeconds : null,
            compareBlas ? OpenBlas.Unavailable : null)
        {
            Precision = precision,
        };
    }

    /// <summary>Calls <paramref name="step"/> once untimed, then until <paramref name="budget"/> has passed, counting the timed calls into <paramref name="calls"/>.</summary>
    private static TimeSpan Measure(TimeSpan budget, ref long calls, Action<long> step)
    {
        step(calls);
        var clock = Stopwatch.StartNew();
        do
        {
            step(calls++);
        }
        while (clock.Elapsed < budget);
        return clock.Elapsed;
    }

    private static float[] RandomUnitRows(Random random, int rows, int dim)
    {
        var matrix = new float[(long)rows * dim];
        for (var i = 0; i < matrix.Length; i++)
        {
            matrix[i] = (float)((random.NextDouble() * 2) - 1);
        }

        for (var row = 0; row < rows; row++)
        {
            VectorMath.L2Normalize(matrix.AsSpan(row * dim, dim));
        }

        return matrix;
    }
}
