using FaceGrains.Recognition.Evaluation;
using Xunit;

namespace FaceGrains.Recognition.Tests.Evaluation;

public sealed class LfwProtocolTests
{
    private const int Precision = 12;
    private const int FoldCount = 10;

    [Fact]
    public void BestThreshold_is_the_midpoint_of_the_best_cut()
    {
        // Sorted: .1I .2G .3I .4I .6G .7G — cutting between .4 and .6 makes one error (.2G); every other cut makes more.
        double[] scores = [0.1, 0.2, 0.3, 0.4, 0.6, 0.7];
        bool[] genuine = [false, true, false, false, true, true];

        Assert.Equal(0.5, LfwProtocol.BestThreshold(scores, genuine), Precision);
    }

    [Fact]
    public void BestThreshold_can_accept_everything_or_nothing()
    {
        Assert.Equal(double.NegativeInfinity, LfwProtocol.BestThreshold([0.1, 0.2], [true, true]));
        Assert.Equal(double.PositiveInfinity, LfwProtocol.BestThreshold([0.1, 0.2], [false, false]));
    }

    [Fact]
    public void Ten_folds_with_one_noisy_fold()
    {
        // Every fold: genuine {.7, .9}, impostor {.1, .3}; fold 3's first genuine pair scores .2 instead.
        // Every training set is best cut between .3 and .7 (midpoint .5), so fold 3 scores 3/4 and the rest 1.
        var scores = new List<double>();
        var genuine = new List<bool>();
        var folds = new List<int>();
        for (var fold = 0; fold < FoldCount; fold++)
        {
            foreach (var (score, isGenuine) in new[] { (fold == 3 ? 0.2 : 0.7, true), (0.9, true), (0.1, false), (0.3, false) })
            {
                scores.Add(score);
                genuine.Add(isGenuine);
                folds.Add(fold);
            }
        }

        var result = LfwProtocol.TenFoldAccuracy(scores.ToArray(), genuine.ToArray(), folds.ToArray());

        Assert.Equal(FoldCount, result.Folds.Count);
        Assert.All(result.Folds, f => Assert.Equal(0.5, f.Threshold, Precision));
        Assert.All(result.Folds, f => Assert.Equal(4, f.PairCount));
        Assert.Equal(0.75, result.Folds[3].Accuracy, Precision);
        Assert.All(result.Folds.Where(f => f.Fold != 3), f => Assert.Equal(1.0, f.Accuracy, Precision));
        Assert.Equal(0.975, result.Mean, Precision);
        // Sample variance: (9·.025² + .225²) / 9 = .00625.
        Assert.Equal(Math.Sqrt(0.00625), result.StandardDeviation, Precision);
        Assert.Equal(Math.Sqrt(0.00625) / Math.Sqrt(FoldCount), result.StandardError, Precision);
    }

    [Fact]
    public void The_threshold_is_learnt_without_the_held_out_fold()
    {
        // Fold 0 alone would want a threshold near .85; the other folds say .5, and fold 0 is judged at .5.
        double[] scores = [0.9, 0.8, 0.7, 0.1, 0.6, 0.4, 0.6, 0.4];
        bool[] genuine = [true, false, false, false, true, false, true, false];
        int[] folds = [0, 0, 0, 0, 1, 1, 2, 2];

        var result = LfwProtocol.TenFoldAccuracy(scores, genuine, folds);

        Assert.Equal(0.5, result.Folds[0].Threshold, Precision);
        Assert.Equal(0.5, result.Folds[0].Accuracy, Precision);
    }

    [Fact]
    public void Needs_two_folds()
    {
        Assert.Throws<ArgumentException>(() => LfwProtocol.TenFoldAccuracy([0.1, 0.9], [false, true], [0, 0]));
    }
}
