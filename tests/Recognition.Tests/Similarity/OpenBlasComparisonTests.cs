using FaceGrains.Recognition.Similarity;
using FaceGrains.TestSupport;
using Xunit;

namespace FaceGrains.Recognition.Tests.Similarity;

/// <summary>The yardstick of <c>bench similarity --compare-blas</c>: OpenBLAS computes the same scores as our kernels.</summary>
public sealed class OpenBlasComparisonTests
{
    [RequiresOpenBlasFact]
    public void Sgemv_and_sgemm_give_the_kernels_scores()
    {
        const int rows = 1000, dim = 128, probes = 7;
        var random = new Random(2);
        var gallery = Enumerable.Range(0, rows * dim).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        var probe = Enumerable.Range(0, probes * dim).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();

        var ours = new float[probes * rows];
        var theirs = new float[probes * rows];
        SimilarityKernels.ScoreBatch(probe, probes, gallery, dim, ours);
        OpenBlas.Gemm(probe, probes, gallery, rows, dim, theirs);
        Assert.All(Enumerable.Range(0, ours.Length), i => Assert.Equal(ours[i], theirs[i], 1e-4f));

        OpenBlas.Gemv(gallery, rows, dim, probe.AsSpan(dim, dim), theirs);
        Assert.All(Enumerable.Range(0, rows), i => Assert.Equal(ours[rows + i], theirs[i], 1e-4f));
    }

    [Fact]
    public void The_benchmark_compares_with_openblas_or_says_why_not()
    {
        var result = SimilarityBenchmark.Run(2000, 128, 8, 1, compareBlas: true);
        if (OpenBlas.Unavailable is { } why)
        {
            Assert.Equal(why, result.BlasUnavailable);
            Assert.Contains("libopenblas", why, StringComparison.Ordinal);
            Assert.Null(result.SingleRatioVsBlas);
        }
        else
        {
            Assert.Null(result.BlasUnavailable);
            Assert.True(result.BlasSingleProbesPerSecond > 0 && result.BlasBatchProbesPerSecond > 0);
            Assert.Equal(result.SingleProbesPerSecond / result.BlasSingleProbesPerSecond, result.SingleRatioVsBlas);
        }

        Assert.Null(SimilarityBenchmark.Run(2000, 128, 8, 1).BlasSingleProbesPerSecond);
    }

    [Theory]
    [InlineData(ShardPrecision.BFloat16, 256)]
    [InlineData(ShardPrecision.Int8, 132)]
    public void The_benchmark_scans_compact_shards_counting_their_bytes(ShardPrecision precision, int bytesPerRow)
    {
        var result = SimilarityBenchmark.Run(2000, 128, 8, 1, precision: precision);

        Assert.Equal(precision, result.Precision);
        Assert.Equal(bytesPerRow, precision.BytesPerRow(128));
        Assert.Equal(result.SingleProbesPerSecond * 2000 * bytesPerRow / 1e9, result.SingleProbeGigabytesPerSecond, 1e-9);
    }
}
