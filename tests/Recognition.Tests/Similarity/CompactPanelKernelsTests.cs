using FaceGrains.Recognition.Similarity;
using Xunit;

namespace FaceGrains.Recognition.Tests.Similarity;

/// <summary>The int8 scan against a plain computation written here: the same integers, the same float steps, the same bits.</summary>
public sealed class CompactPanelKernelsTests
{
    [Theory]
    [InlineData(128, 150, 1)] // one probe: widened in registers
    [InlineData(128, 150, 3)]
    [InlineData(128, 150, 9)] // a batch: widened once per four-panel block, the last block partial, probes past the last four
    [InlineData(7, 40, 5)] // odd dimension: the last pair padded
    [InlineData(1024, 33, 4)] // the largest dimension, every value at its bound: the integer sums must not overflow
    public void Int8_scores_are_the_exact_integer_sums_times_the_probe_and_row_scales_plus_the_offset(int dim, int rows, int probeCount)
    {
        var random = new Random(dim + rows + probeCount);
        var extreme = dim == CompactPanelKernels.MaxInt8Dimension;
        var panels = (rows + 15) / 16;
        var values = Enumerable.Range(0, rows).Select(r => extreme ? Enumerable.Repeat(r % 2 == 0 ? 1f : -1f, dim).ToArray() : Values(random, dim)).ToArray();
        var (stored, scales, quantized) = Panels(values, dim);

        var probes = extreme ? Enumerable.Repeat(-0.5f, probeCount * dim).ToArray() : Values(random, probeCount * dim);
        var offsets = Values(random, probeCount);
        var scores = new float[probeCount * panels * 16];
        CompactPanelKernels.ScoreInt8(probes, probeCount, stored, scales, panels, dim, scores, offsets);

        for (var p = 0; p < probeCount; p++)
        {
            var probe = new short[dim];
            var probeScale = CompactPanelKernels.QuantizeProbe(probes.AsSpan(p * dim, dim), probe);
            Assert.InRange(probe.Max(v => Math.Abs((int)v)), 1, CompactPanelKernels.ProbeLevels);
            for (var r = 0; r < rows; r++)
            {
                long sum = 0;
                for (var d = 0; d < dim; d++)
                {
                    sum += quantized[r][d] * probe[d];
                }

                Assert.InRange(sum, int.MinValue, int.MaxValue);
                var expected = (float)(int)sum;
                expected *= probeScale;
                expected *= scales[r];
                expected += offsets[p];
                Assert.Equal(expected, scores[(p * panels * 16) + r]);
            }
        }
    }

    [Fact]
    public void Rounding_the_probe_adds_under_a_fiftieth_of_the_error_of_rounding_the_row()
    {
        const int dim = 128;
        var random = new Random(5);
        var row = Values(random, dim);
        var (stored, scales, quantized) = Panels([row], dim);
        var (q, rowScale) = (quantized[0], scales[0]);

        double worstProbe = 0, worstRow = 0;
        var scores = new float[16];
        for (var trial = 0; trial < 200; trial++)
        {
            var probe = Values(random, dim);
            CompactPanelKernels.ScoreInt8(probe, 1, stored, scales, 1, dim, scores);
            double roundedRow = 0, exact = 0;
            for (var d = 0; d < dim; d++)
            {
                roundedRow += (double)probe[d] * q[d] * rowScale;
                exact += (double)probe[d] * row[d];
            }

            worstProbe = Math.Max(worstProbe, Math.Abs(scores[0] - roundedRow)); // what rounding the probe adds
            worstRow = Math.Max(worstRow, Math.Abs(roundedRow - exact)); // what rounding the row costs
        }

        Assert.True(worstProbe <= worstRow / 50, $"probe {worstProbe}, row {worstRow}"); // steps 1/16,383 against 1/127 of the largest value: 1/129 on average
    }

    [Fact]
    public void An_int8_shard_refuses_more_dimensions_than_its_integer_sums_hold()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ShardMatrix(CompactPanelKernels.MaxInt8Dimension + 1, ShardPrecision.Int8));
        Assert.Equal(CompactPanelKernels.MaxInt8Dimension + 1, new ShardMatrix(CompactPanelKernels.MaxInt8Dimension + 1).Dimension);
    }

    /// <summary>The rows rounded to int8 and laid out as a shard keeps them (<see cref="CompactPanelKernels.Int8At"/>), with their scales (one per panel lane) and the rounded values.</summary>
    private static (sbyte[] Panels, float[] Scales, sbyte[][] Quantized) Panels(float[][] rows, int dim)
    {
        var panels = (rows.Length + 15) / 16;
        var stored = new sbyte[CompactPanelKernels.Int8Length(panels, dim)];
        var scales = new float[panels * 16];
        var quantized = new sbyte[rows.Length][];
        for (var r = 0; r < rows.Length; r++)
        {
            quantized[r] = new sbyte[dim];
            scales[r] = CompactPanelKernels.QuantizeInt8(rows[r], quantized[r]);
            for (var d = 0; d < dim; d++)
            {
                stored[CompactPanelKernels.Int8At(dim, r, d)] = quantized[r][d];
            }
        }

        return (stored, scales, quantized);
    }

    private static float[] Values(Random random, int count) =>
        Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
}
