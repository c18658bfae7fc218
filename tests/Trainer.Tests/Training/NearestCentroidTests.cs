using FaceGrains.Trainer.Configuration;
using FaceGrains.Trainer.Data;
using FaceGrains.Trainer.Training;
using Xunit;

namespace FaceGrains.Trainer.Tests.Training;

/// <summary>Closed-set accuracy for heads without a classifier: nearest training-identity centroid by cosine.</summary>
public sealed class NearestCentroidTests
{
    [Fact]
    public void A_face_goes_to_the_identity_whose_centroid_is_nearest_in_angle()
    {
        // Identity 0 points along x, identity 1 along y; lengths differ on purpose (cosine ignores them).
        float[][] gallery = [[1, 0], [10, 1], [0, 1], [0.1f, 3]];
        int[] galleryLabels = [0, 0, 1, 1];
        float[][] probes = [[5, 0.2f], [0.2f, 0.1f], [0.1f, 0.2f], [-1, 2]];
        int[] probeLabels = [0, 0, 1, 0]; // the last one is closer to identity 1: wrong
        Assert.Equal(0.75, NearestCentroid.Accuracy(gallery, galleryLabels, probes, probeLabels), 12);
    }

    [Fact]
    public void No_probes_give_no_accuracy() =>
        Assert.True(double.IsNaN(NearestCentroid.Accuracy([[1, 0]], [0], [], [])));

    [Fact]
    public void The_sample_is_seeded_and_bounded_and_covers_every_identity()
    {
        var train = Enumerable.Range(0, 10)
            .SelectMany(id => Enumerable.Range(0, 3 + id).Select(n => new FaceSample($"/faces/id{id}/{n:D2}.jpg", $"id{id}", id)))
            .ToList();

        var roomy = NearestCentroid.Sample(train, maxImages: 1000, seed: 1);
        Assert.All(roomy.GroupBy(s => s.Label), g => Assert.Equal(Math.Min(NearestCentroid.MaxFacesPerIdentity, 3 + g.Key), g.Count()));

        var tight = NearestCentroid.Sample(train, maxImages: 25, seed: 1);
        Assert.Equal(20, tight.Count); // 25 / 10 identities = 2 each
        Assert.Equal(10, tight.Select(s => s.Label).Distinct().Count());

        var starved = NearestCentroid.Sample(train, maxImages: 3, seed: 1);
        Assert.Equal(10, starved.Count); // one per identity, whatever the bound

        Assert.Equal(tight, NearestCentroid.Sample(train, maxImages: 25, seed: 1));
        Assert.NotEqual(tight, NearestCentroid.Sample(train, maxImages: 25, seed: 2));
    }

    [Theory]
    [InlineData("triplet", "identity")]
    [InlineData("contrastive", "identity")]
    [InlineData("supcon", "image")]
    public void Classifier_less_losses_report_closed_set_accuracy_every_epoch(string type, string split)
    {
        var data = SyntheticFaces.Create(identities: 8, imagesPerIdentity: 5);
        var folder = SyntheticRun.NewFolder();
        var config = SyntheticRun.Config(data) with
        {
            Losses = [new LossConfig { Type = type }],
            Sampler = "pk",
            P = 4,
            K = 2,
            Split = split,
            ClosedSetFraction = 0.4,
            ValFraction = split == "image" ? 0.4 : 0.25,
            Epochs = 1,
            StepsPerEpoch = 2,
        };
        var summary = SyntheticRun.Run(config, folder);
        var history = TrainingRun.ReadHistory(folder.Metrics);
        Assert.Equal(2, history.Count);
        Assert.All(history, m => Assert.InRange(m.ClosedSetAccuracy!.Value, 0, 1));
        Assert.Equal(history[^1].ClosedSetAccuracy, summary.FinalClosedSetAccuracy);
    }
}
