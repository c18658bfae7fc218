using FaceGrains.Recognition.Evaluation;
using Xunit;

namespace FaceGrains.Recognition.Tests.Evaluation;

public sealed class OpenSetMetricsTests
{
    private const int Precision = 12;

    // A gallery of three identities A, B, C.
    private static readonly MatedSearch[] Mated =
    [
        new("A", [new("A", 0.9), new("B", 0.3), new("C", 0.1)]),  // rank 1 at .9
        new("B", [new("A", 0.6), new("B", 0.5), new("C", 0.2)]),  // rank 2 at .5
        new("C", [new("C", 0.4), new("A", 0.35), new("B", 0.1)]), // rank 1 at .4
        new("A", [new("B", 0.7), new("C", 0.65), new("A", 0.2)]), // rank 3 at .2
    ];

    // Top scores .8, .5, .3, .1.
    private static readonly NonMatedSearch[] NonMated =
    [
        new([new("B", 0.8), new("A", 0.2)]),
        new([new("C", 0.5), new("B", 0.45), new("A", 0.1)]),
        new([new("A", 0.3)]),
        new([new("C", 0.1), new("A", 0.05)]),
    ];

    [Fact]
    public void Rank1_and_CMC()
    {
        var result = OpenSetMetrics.Compute(Mated, NonMated, cmcRanks: 4);

        Assert.Equal(0.5, result.Rank1, Precision);
        Assert.Equal([0.5, 0.75, 1.0, 1.0], result.Cmc);
        Assert.Equal(4, result.MatedCount);
        Assert.Equal(4, result.NonMatedCount);
    }

    [Fact]
    public void FNIR_at_a_resolvable_FPIR()
    {
        var result = OpenSetMetrics.Compute(Mated, NonMated, fpirTargets: [0.25, 0.5]);

        // FPIR ≤ 1/4 allows one non-mated search through: T just above the 2nd-highest top (.5).
        var quarter = result.FnirAtFpir[0];
        Assert.True(quarter.Resolvable);
        Assert.Equal(Math.BitIncrement(0.5), quarter.Threshold);
        Assert.Equal(0.25, quarter.AchievedFpir, Precision);
        // Only the .9 rank-1 hit clears T.
        Assert.Equal(0.75, quarter.Fnir, Precision);
        Assert.Equal(1, quarter.Rank);

        // FPIR ≤ 1/2: T just above .3, so the rank-1 hits .9 and .4 count.
        var half = result.FnirAtFpir[1];
        Assert.Equal(Math.BitIncrement(0.3), half.Threshold);
        Assert.Equal(0.5, half.AchievedFpir, Precision);
        Assert.Equal(0.5, half.Fnir, Precision);
    }

    [Fact]
    public void Too_few_non_mated_searches_are_flagged_unresolvable()
    {
        var result = OpenSetMetrics.Compute(Mated, NonMated);

        Assert.Equal(2, result.FnirAtFpir.Count);
        Assert.All(result.FnirAtFpir, f =>
        {
            Assert.False(f.Resolvable);
            Assert.Equal(Math.BitIncrement(0.8), f.Threshold);
            Assert.Equal(0, f.AchievedFpir);
            Assert.Equal(0.75, f.Fnir, Precision);
        });
    }

    [Fact]
    public void FNIR_at_rank_2_counts_the_second_candidate()
    {
        var result = OpenSetMetrics.Compute(Mated, NonMated, rank: 2, fpirTargets: [0.5]);

        // T just above .3: hits .9 (r1), .5 (r2), .4 (r1) count; .2 (r3) does not.
        Assert.Equal(0.25, result.FnirAtFpir[0].Fnir, Precision);
        Assert.Equal(2, result.FnirAtFpir[0].Rank);
    }

    [Fact]
    public void DET_curve_steps_through_every_relevant_score()
    {
        var result = OpenSetMetrics.Compute(Mated, NonMated);

        DetPoint[] expected =
        [
            new(0, 1, double.PositiveInfinity),
            new(0, 0.75, 0.9),
            new(0.25, 0.75, 0.8),
            new(0.5, 0.75, 0.5),
            new(0.5, 0.5, 0.4),
            new(0.75, 0.5, 0.3),
            new(1, 0.5, 0.1),
        ];
        Assert.Equal(expected, result.Det);
    }

    [Fact]
    public void Without_non_mated_searches_only_rank_metrics_are_meaningful()
    {
        var result = OpenSetMetrics.Compute(Mated, []);

        Assert.Equal(0.5, result.Rank1, Precision);
        Assert.Empty(result.Det);
        Assert.All(result.FnirAtFpir, f =>
        {
            Assert.False(f.Resolvable);
            Assert.True(double.IsNaN(f.AchievedFpir));
            Assert.Equal(0.5, f.Fnir, Precision);
        });
    }

    [Fact]
    public void Unsorted_candidates_are_rejected()
    {
        MatedSearch[] unsorted = [new("A", [new("B", 0.1), new("A", 0.9)])];

        Assert.Throws<ArgumentException>(() => OpenSetMetrics.Compute(unsorted, NonMated));
        Assert.Throws<ArgumentException>(() => OpenSetMetrics.Compute([], NonMated));
    }
}
