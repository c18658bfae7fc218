using System.Diagnostics;

namespace FaceGrains.Recognition.Similarity;

/// <summary>
/// A quick, self-contained measurement of the shard scan on this machine (for <c>facegrains bench</c>),
/// on a random L2-normalised gallery. Single-threaded, like one shard.
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
    /// <paramref name="seconds"/> on single-probe scans and half on batches of <paramref name="probes"/> probes.
    /// </summary>
    public static SimilarityBenchmarkResult Run(int n, int dim, int probes, int seconds)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dim);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(probes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(seconds);

        var random = new Random(Seed);
        var gallery = RandomUnitRows(random, n, dim);
        var probeMatrix = RandomUnitRows(random, probes, dim);
        var scores = new float[(long)probes * n];
        var galleryBytes = (double)n * dim * sizeof(float);
        var phase = TimeSpan.FromSeconds(seconds / 2.0);

        var singleScans = 0L;
        var single = Measure(phase, () =>
        {
            var probe = probeMatrix.AsSpan((int)(singleScans % probes) * dim, dim);
            var row = scores.AsSpan(0, n);
            SimilarityKernels.ScoreAll(probe, gallery, dim, row);
            TopK.Select(row, CandidatesPerProbe);
            singleScans++;
        });

        var batches = 0L;
        var batched = Measure(phase, () =>
        {
            SimilarityKernels.ScoreBatch(probeMatrix, probes, gallery, dim, scores);
            TopK.SelectBatch(scores, probes, CandidatesPerProbe);
            batches++;
        });

        // Measure runs one warm-up call before timing; it is not counted.
        singleScans--;
        batches--;
        var singlePerSecond = singleScans / single.TotalSeconds;
        var batchProbesPerSecond = batches * probes / batched.TotalSeconds;
        return new SimilarityBenchmarkResult(
            n,
            dim,
            probes,
            singlePerSecond * galleryBytes / BytesPerGigabyte,
            singlePerSecond,
            batchProbesPerSecond * galleryBytes / BytesPerGigabyte,
            batchProbesPerSecond);
    }

    /// <summary>Calls <paramref name="step"/> once untimed, then repeatedly until <paramref name="budget"/> has passed; returns the timed span.</summary>
    private static TimeSpan Measure(TimeSpan budget, Action step)
    {
        step();
        var clock = Stopwatch.StartNew();
        do
        {
            step();
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
