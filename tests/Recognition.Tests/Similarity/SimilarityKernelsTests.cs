using FaceGrains.Recognition.Similarity;
using Xunit;

namespace FaceGrains.Recognition.Tests.Similarity;

public sealed class SimilarityKernelsTests
{
    // Float sums in a different order differ by a few ulps per term; unit vectors keep the sums near 1.
    private const float Tolerance = 1e-5f;

    public static TheoryData<int, int, int> Shapes() => new()
    {
        { 1, 1, 1 },
        { 1, 5, 3 },
        { 7, 9, 5 },
        { 8, 4, 4 },
        { 16, 3, 8 },
        { 17, 11, 6 },
        { 128, 33, 9 },
        { 512, 6, 13 },
        { 513, 10, 7 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ScoreAll_matches_a_scalar_loop(int dim, int rows, int probeCount)
    {
        var random = new Random(dim * 31 + rows);
        var gallery = RandomUnitRows(random, rows, dim);
        var probes = RandomUnitRows(random, probeCount, dim);
        var scores = new float[rows];

        for (var p = 0; p < probeCount; p++)
        {
            var probe = probes.AsSpan(p * dim, dim);
            SimilarityKernels.ScoreAll(probe, gallery, dim, scores);
            for (var r = 0; r < rows; r++)
            {
                Assert.Equal(NaiveDot(probe, gallery.AsSpan(r * dim, dim)), scores[r], Tolerance);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ScoreBatch_matches_a_scalar_loop(int dim, int rows, int probeCount)
    {
        var random = new Random(dim * 17 + probeCount);
        var gallery = RandomUnitRows(random, rows, dim);
        var probes = RandomUnitRows(random, probeCount, dim);
        var scores = new float[probeCount * rows];

        SimilarityKernels.ScoreBatch(probes, probeCount, gallery, dim, scores);

        for (var p = 0; p < probeCount; p++)
        {
            for (var r = 0; r < rows; r++)
            {
                var expected = NaiveDot(probes.AsSpan(p * dim, dim), gallery.AsSpan(r * dim, dim));
                Assert.Equal(expected, scores[(p * rows) + r], Tolerance);
            }
        }
    }

    [Fact]
    public void ScoreBatch_covers_several_probe_tiles()
    {
        // 512-d probes fill a 256 KiB tile at 128 probes; 131 probes spans two tiles and leaves a partial block.
        const int dim = 512;
        const int rows = 5;
        const int probeCount = 131;
        var random = new Random(7);
        var gallery = RandomUnitRows(random, rows, dim);
        var probes = RandomUnitRows(random, probeCount, dim);
        var scores = new float[probeCount * rows];

        SimilarityKernels.ScoreBatch(probes, probeCount, gallery, dim, scores);

        for (var p = 0; p < probeCount; p++)
        {
            for (var r = 0; r < rows; r++)
            {
                Assert.Equal(NaiveDot(probes.AsSpan(p * dim, dim), gallery.AsSpan(r * dim, dim)), scores[(p * rows) + r], Tolerance);
            }
        }
    }

    [Fact]
    public void Empty_gallery_and_empty_batch_are_fine()
    {
        SimilarityKernels.ScoreAll(new float[4], [], 4, []);
        SimilarityKernels.ScoreBatch([], 0, new float[8], 4, []);
    }

    [Fact]
    public void Mismatched_shapes_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => SimilarityKernels.ScoreAll(new float[3], new float[8], 4, new float[2]));
        Assert.Throws<ArgumentException>(() => SimilarityKernels.ScoreAll(new float[4], new float[9], 4, new float[2]));
        Assert.Throws<ArgumentException>(() => SimilarityKernels.ScoreAll(new float[4], new float[8], 4, new float[1]));
        Assert.Throws<ArgumentException>(() => SimilarityKernels.ScoreBatch(new float[7], 2, new float[8], 4, new float[4]));
        Assert.Throws<ArgumentException>(() => SimilarityKernels.ScoreBatch(new float[8], 2, new float[8], 4, new float[3]));
    }

    private static float NaiveDot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double sum = 0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += (double)a[i] * b[i];
        }

        return (float)sum;
    }

    internal static float[] RandomUnitRows(Random random, int rows, int dim)
    {
        var matrix = new float[rows * dim];
        for (var i = 0; i < matrix.Length; i++)
        {
            matrix[i] = (float)((random.NextDouble() * 2) - 1);
        }

        for (var r = 0; r < rows; r++)
        {
            VectorMath.L2Normalize(matrix.AsSpan(r * dim, dim));
        }

        return matrix;
    }
}
