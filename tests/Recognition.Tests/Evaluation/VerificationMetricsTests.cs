using FaceGrains.Recognition.Evaluation;
using Xunit;

namespace FaceGrains.Recognition.Tests.Evaluation;

public sealed class VerificationMetricsTests
{
    private const int Precision = 12;

    [Fact]
    public void Perfectly_separated_scores_give_AUC_1_and_EER_0()
    {
        double[] scores = [0.9, 0.8, 0.2, 0.1];
        bool[] genuine = [true, true, false, false];

        var result = VerificationMetrics.Compute(scores, genuine);

        Assert.Equal(1.0, result.Auc, Precision);
        Assert.Equal(0.0, result.Eer, Precision);
        Assert.Equal(0.8, result.EerThreshold, Precision);
    }

    [Fact]
    public void Fully_inverted_scores_give_AUC_0_and_EER_1()
    {
        double[] scores = [0.1, 0.2, 0.8, 0.9];
        bool[] genuine = [true, true, false, false];

        var result = VerificationMetrics.Compute(scores, genuine);

        Assert.Equal(0.0, result.Auc, Precision);
        Assert.Equal(1.0, result.Eer, Precision);
    }

    [Fact]
    public void Four_plus_four_example_matches_hand_computation()
    {
        // Descending: .9G .8G .7I .6G .4I .3G .2I .1I.
        double[] scores = [0.9, 0.8, 0.6, 0.3, 0.7, 0.4, 0.2, 0.1];
        bool[] genuine = [true, true, true, true, false, false, false, false];

        var result = VerificationMetrics.Compute(scores, genuine);

        RocPoint[] expectedRoc =
        [
            new(0, 0, double.PositiveInfinity),
            new(0, 0.25, 0.9),
            new(0, 0.5, 0.8),
            new(0.25, 0.5, 0.7),
            new(0.25, 0.75, 0.6),
            new(0.5, 0.75, 0.4),
            new(0.5, 1, 0.3),
            new(0.75, 1, 0.2),
            new(1, 1, 0.1),
        ];
        Assert.Equal(expectedRoc, result.Roc);
        Assert.Equal(4, result.GenuineCount);
        Assert.Equal(4, result.ImpostorCount);
        // 13 of 16 genuine–impostor pairs are ordered correctly.
        Assert.Equal(13.0 / 16, result.Auc, Precision);
        // At threshold .6: FAR = 1/4, FRR = 1/4 exactly.
        Assert.Equal(0.25, result.Eer, Precision);
        Assert.Equal(0.6, result.EerThreshold, Precision);
    }

    [Fact]
    public void Tied_scores_count_half_and_EER_is_interpolated()
    {
        double[] scores = [0.8, 0.5, 0.5, 0.2];
        bool[] genuine = [true, true, false, false];

        var result = VerificationMetrics.Compute(scores, genuine);

        // Points: (0,0,∞) (0,.5,.8) (.5,1,.5) (1,1,.2). The tie at .5 is a diagonal step worth one half.
        Assert.Equal(4, result.Roc.Count);
        Assert.Equal(3.5 / 4, result.Auc, Precision);
        // FAR − FRR goes −.5 → +.5 between thresholds .8 and .5: crossing halfway.
        Assert.Equal(0.25, result.Eer, Precision);
        Assert.Equal(0.65, result.EerThreshold, Precision);
    }

    [Fact]
    public void All_scores_tied_give_AUC_one_half()
    {
        double[] scores = [0.5, 0.5, 0.5, 0.5];
        bool[] genuine = [true, false, true, false];

        var result = VerificationMetrics.Compute(scores, genuine);

        Assert.Equal(0.5, result.Auc, Precision);
        Assert.Equal(0.5, result.Eer, Precision);
        Assert.Equal(0.5, result.EerThreshold, Precision);
    }

    [Fact]
    public void TarAtFar_takes_the_largest_TAR_within_the_target()
    {
        double[] scores = [0.9, 0.8, 0.6, 0.3, 0.7, 0.4, 0.2, 0.1];
        bool[] genuine = [true, true, true, true, false, false, false, false];
        var result = VerificationMetrics.Compute(scores, genuine);

        var quarter = VerificationMetrics.TarAt(result.Roc, result.ImpostorCount, 0.25);
        var half = VerificationMetrics.TarAt(result.Roc, result.ImpostorCount, 0.5);
        var justBelowQuarter = VerificationMetrics.TarAt(result.Roc, result.ImpostorCount, 0.2);

        Assert.Equal(new TarAtFar(0.25, 0.75, 0.6, 0.25, true), quarter);
        Assert.Equal(new TarAtFar(0.5, 1, 0.3, 0.5, true), half);
        // 4 impostors cannot resolve a FAR below 1/4: only FAR 0 fits, and the result says so.
        Assert.Equal(new TarAtFar(0.2, 0.5, 0.8, 0, false), justBelowQuarter);
    }

    [Fact]
    public void TarAtFar_with_too_few_impostors_is_TAR_at_FAR_zero_and_flagged()
    {
        double[] scores = [0.9, 0.8, 0.6, 0.3, 0.7, 0.4, 0.2, 0.1];
        bool[] genuine = [true, true, true, true, false, false, false, false];

        var result = VerificationMetrics.Compute(scores, genuine);

        Assert.Equal(3, result.TarAtFar.Count);
        Assert.All(result.TarAtFar, t =>
        {
            Assert.False(t.Resolvable);
            Assert.Equal(0.5, t.Tar);
            Assert.Equal(0.8, t.Threshold);
            Assert.Equal(0, t.AchievedFar);
        });
    }

    [Fact]
    public void TarAtFar_is_resolvable_with_enough_impostors()
    {
        // 100 impostors at 0..0.99 step .01, 10 genuine at .995 and 0.5..0.9.
        var impostors = Enumerable.Range(0, 100).Select(i => i / 100.0);
        double[] genuineScores = [0.995, 0.985, 0.975, 0.5, 0.6, 0.7, 0.8, 0.9, 0.55, 0.65];
        var scores = impostors.Concat(genuineScores).ToArray();
        var genuine = scores.Select((_, i) => i >= 100).ToArray();

        var result = VerificationMetrics.Compute(scores, genuine);

        // Descending: .995G .99I .985G .98I ... FAR ≤ 1e-2 allows one impostor (.99), so accept ≥ .985 → TAR 2/10.
        var atOnePercent = result.TarAtFar[0];
        Assert.True(atOnePercent.Resolvable);
        Assert.Equal(0.2, atOnePercent.Tar, Precision);
        Assert.Equal(0.985, atOnePercent.Threshold, Precision);
        Assert.Equal(0.01, atOnePercent.AchievedFar, Precision);
        Assert.False(result.TarAtFar[1].Resolvable);
    }

    [Fact]
    public void Needs_both_classes_and_matching_lengths()
    {
        Assert.Throws<ArgumentException>(() => VerificationMetrics.Compute([0.1, 0.2], [true, true]));
        Assert.Throws<ArgumentException>(() => VerificationMetrics.Compute([0.1, 0.2], [true]));
        Assert.Throws<ArgumentException>(() => VerificationMetrics.Compute([double.NaN, 0.2], [true, false]));
    }
}
