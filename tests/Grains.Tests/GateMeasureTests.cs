using FaceGrains.Grains.Interfaces;
using Xunit;

namespace FaceGrains.Grains.Tests;

public sealed class GateMeasureTests
{
    private static GateFigures Figures(double? rank1, double? fnir, ThresholdSource source = ThresholdSource.Gallery) => new("v", rank1, fnir, 0.9, source);

    [Fact]
    public void Rank1_counts_mates_above_every_impostor_and_fnir_also_needs_the_threshold()
    {
        GateMeasure.Search[] searches = [new(0.95f, 0.80f), new(0.91f, 0.85f), new(0.70f, 0.75f), new(0.99f, float.NegativeInfinity)];

        var (rank1, fnir) = GateMeasure.Figures(searches, threshold: 0.93);

        Assert.Equal(0.75, rank1);
        Assert.Equal(0.5, fnir); // 0.91 is rank-1 but below the threshold; 0.70 is outranked
    }

    [Fact]
    public void A_candidate_worse_by_more_than_the_margin_is_refused_with_the_figures_that_failed()
    {
        var (passed, reason) = GateMeasure.Decide(Figures(0.98, 0.10), Figures(0.95, 0.105), null, null, searches: 100, margin: 0.01);

        Assert.False(passed);
        Assert.Contains("rank-1 on the gallery 95.00 % against 98.00 %", reason.Replace('\u00a0', ' '), StringComparison.Ordinal);
        Assert.DoesNotContain("FNIR", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_candidate_within_the_margin_or_better_passes_and_gate_data_counts_too()
    {
        Assert.True(GateMeasure.Decide(Figures(0.98, 0.10), Figures(0.975, 0.105), null, null, 100, 0.01).Passed);
        Assert.True(GateMeasure.Decide(Figures(0.90, 0.30), Figures(0.99, 0.05), null, null, 100, 0.01).Passed);

        var (passed, reason) = GateMeasure.Decide(Figures(0.98, 0.10), Figures(0.98, 0.10), Figures(0.97, 0.2), Figures(0.97, 0.4), 100, 0.01);
        Assert.False(passed);
        Assert.Contains("FNIR on the gate data", reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ThresholdSource.ManifestFallback)]
    [InlineData(ThresholdSource.Uncalibrated)]
    public void A_candidate_without_its_own_calibration_is_refused_whatever_its_rank1(ThresholdSource source)
    {
        var (passed, reason) = GateMeasure.Decide(Figures(0.90, 0.3), Figures(0.99, 0.01, source), null, null, 100, 0.01);

        Assert.False(passed);
        Assert.Contains("no calibration of its own", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void With_nothing_to_compare_a_calibrated_candidate_passes_and_says_so()
    {
        var (passed, reason) = GateMeasure.Decide(Figures(null, null), Figures(null, null, ThresholdSource.Shipped), null, null, 0, 0.01);

        Assert.True(passed);
        Assert.Contains("calibration alone", reason, StringComparison.Ordinal);
    }
}
