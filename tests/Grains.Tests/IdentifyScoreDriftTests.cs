using FaceGrains.Recognition.Calibration;
using Xunit;

namespace FaceGrains.Grains.Tests;

/// <summary>
/// The drift window against a reference whose answer is known: pair impostor scores logistic around 0.5 (scale 0.03,
/// bell-shaped like cosine impostor scores), so FMR(s) = 1 / (1 + e^((s − 0.5) / 0.03)), in a gallery of N = 100.
/// </summary>
public sealed class IdentifyScoreDriftTests
{
    private const int N = 100;
    private const double Mean = 0.5;
    private const double Scale = 0.03;

    private static readonly TopImpostorReference Modelled = TopImpostorReference.FromPairTail(s => 1 / (1 + Math.Exp((s - Mean) / Scale)));

    /// <summary>The threshold for FPIR 1e-2 at N: pair FMR 1 − 0.99^(1/N).</summary>
    private static readonly double Threshold = Mean + (Scale * Math.Log((1 / (1 - Math.Pow(0.99, 1.0 / N))) - 1));

    [Fact]
    public void Probes_scoring_as_calibrated_read_near_zero_and_the_expected_share_above_the_threshold()
    {
        var drift = new IdentifyScoreDrift();
        foreach (var score in TopImpostorScores(new Random(1), IdentifyScoreDrift.Capacity, shift: 0))
        {
            drift.Record(score, Threshold, 0.01, N, Modelled);
        }

        var reading = drift.Read();
        Assert.Equal(IdentifyScoreDrift.Capacity, reading.Faces);
        Assert.InRange(reading.Drift, 0, 0.05); // KS at n = 1,000: 99 % of samples stay under 0.052
        Assert.Equal(0.01, reading.ExpectedFpir, 1e-6);
        Assert.InRange(reading.AboveThreshold, 0, 0.03);
    }

    [Fact]
    public void Probes_scoring_higher_than_calibrated_move_the_distance_and_the_share_above()
    {
        var drift = new IdentifyScoreDrift();
        foreach (var score in TopImpostorScores(new Random(2), IdentifyScoreDrift.Capacity, shift: Scale))
        {
            drift.Record(score, Threshold, 0.01, N, Modelled);
        }

        var reading = drift.Read();
        Assert.True(reading.Drift > 0.2, $"drift {reading.Drift}");
        Assert.True(reading.AboveThreshold > 0.015, $"above {reading.AboveThreshold}"); // 2.7 % expected
    }

    [Fact]
    public void Only_the_last_window_counts_and_enrolled_people_above_the_threshold_leave_the_distance_alone()
    {
        var drift = new IdentifyScoreDrift();
        var random = new Random(3);
        foreach (var score in TopImpostorScores(random, IdentifyScoreDrift.Capacity, shift: 2 * Scale))
        {
            drift.Record(score, Threshold, 0.01, N, Modelled);
        }

        // Then half the probes are enrolled people (top score 1), half strangers as calibrated.
        foreach (var score in TopImpostorScores(random, IdentifyScoreDrift.Capacity / 2, shift: 0))
        {
            drift.Record(score, Threshold, 0.01, N, Modelled);
            drift.Record(1.0, Threshold, 0.01, N, Modelled);
        }

        var reading = drift.Read();
        Assert.InRange(reading.Drift, 0, 0.08); // n ≈ 500 below the threshold
        Assert.InRange(reading.AboveThreshold, 0.48, 0.53);
        Assert.InRange(reading.BelowThreshold, 480, 500);
    }

    [Fact]
    public void A_measured_reference_holds_at_its_own_size_and_is_carried_to_a_larger_gallery()
    {
        var random = new Random(4);
        var measured = TopImpostorReference.Measured(TopImpostorReference.QuantilesOf([.. TopImpostorScores(random, 5000, 0, N).Select(s => (float)s)]), 5000, N)!;
        Assert.True(measured.IsMeasured);
        foreach (var size in new[] { N, 4 * N })
        {
            var drift = new IdentifyScoreDrift();
            var threshold = Mean + (Scale * Math.Log((1 / (1 - Math.Pow(0.99, 1.0 / size))) - 1));
            foreach (var score in TopImpostorScores(random, IdentifyScoreDrift.Capacity, 0, size))
            {
                drift.Record(score, threshold, null, size, measured);
            }

            var reading = drift.Read();
            Assert.InRange(reading.Drift, 0, 0.06);
            Assert.InRange(reading.ExpectedFpir, 0, 0.05); // read off 1 %-spaced quantiles (and raised to N / 100 at 4N): coarse, so answers pass their own
        }
    }

    [Fact]
    public void Too_few_measured_faces_give_no_measured_reference()
    {
        Assert.Null(TopImpostorReference.Measured([0.1, 0.5, 0.9], TopImpostorReference.MinMeasuredFaces - 1, N));
        Assert.Null(TopImpostorReference.Measured(null, 1000, N));
        var reference = TopImpostorReference.Measured([0.1, 0.5, 0.9], 1000, N)!;
        Assert.Equal(0.25, reference.Cdf(0.3, N), 9);
        Assert.Equal(0.25 * 0.25, reference.Cdf(0.3, 2 * N), 9);
        Assert.Equal((0.0, 1.0), (reference.Cdf(0.05, N), reference.Cdf(0.95, N)));
    }

    [Fact]
    public void An_empty_window_reads_zero()
    {
        Assert.Equal(new DriftReading(0, 0, 0, 0, 0), new IdentifyScoreDrift().Read());
    }

    /// <summary>The best of N logistic impostor scores, moved up by <paramref name="shift"/>.</summary>
    private static IEnumerable<double> TopImpostorScores(Random random, int count, double shift, int gallerySize = N) =>
        Enumerable.Range(0, count).Select(_ => shift + Enumerable.Range(0, gallerySize).Max(_ =>
        {
            var u = random.NextDouble();
            return Mean + (Scale * Math.Log(u / (1 - u)));
        }));
}
