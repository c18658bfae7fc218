using FaceGrains.Grains.Interfaces;
using FaceGrains.Recognition.Similarity;
using FaceGrains.TestSupport;
using Xunit;

namespace FaceGrains.Grains.Tests;

public sealed class CalibrationGalleryCluster : GalleryCluster;

/// <summary>
/// The gallery calibrates itself: its enrolled faces against the other identities' centroids, across shards on three
/// silos, and the matcher's threshold comes from those scores once there are enough of them.
/// </summary>
public sealed class GalleryCalibrationTests(CalibrationGalleryCluster fixture) : IClassFixture<CalibrationGalleryCluster>
{
    private const int Identities = 40;
    private const int FacesEach = 3;
    private const int Dimension = 128;

    [RequiresModelFact]
    public async Task The_gallery_measures_its_own_impostor_scores_and_thresholds_come_from_them()
    {
        var grains = fixture.Grains;
        var model = (await grains.GetGrain<IModelRegistryGrain>(0).GetAsync()).ActiveVersion;
        var calibration = grains.GetGrain<IGalleryCalibrationGrain>(model);
        var matcher = grains.GetGrain<IMatcherGrain>(0);
        var random = new Random(11);
        Assert.Null(await calibration.RefreshAsync());

        // Two people: not yet a gallery that can say anything about its tail (3 × 2 faces × 1 other identity = 6 scores).
        var centres = Enumerable.Range(0, Identities).Select(_ => Noise(random, 1)).ToList();
        for (var i = 0; i < 2; i++)
        {
            await Enrol(grains, model, i, centres[i], random);
        }

        var small = await calibration.RefreshAsync();
        Assert.Equal(2 * FacesEach, small!.ImpostorScores);
        var probe = new ProbeBatch(Noise(random, 1), 1, Dimension);
        var early = await matcher.IdentifyEmbeddingsAsync(probe);
        Assert.Equal(ThresholdSource.Shipped, early[0].Threshold!.Source);

        for (var i = 2; i < Identities; i++)
        {
            await Enrol(grains, model, i, centres[i], random);
        }

        var measured = await calibration.RefreshAsync();

        // Every face against every other identity's centroid, each once, over all shards.
        Assert.Equal((long)Identities * FacesEach * (Identities - 1), measured!.ImpostorScores);
        Assert.Equal(Identities, measured.GallerySize);
        Assert.Equal(Identities * FacesEach, measured.SampledFaces);
        var stored = await calibration.GetAsync();
        Assert.Equal((measured.MeasuredUtc, measured.ImpostorScores), (stored!.MeasuredUtc, stored.ImpostorScores));
        Assert.Equal(measured.Scores, stored.Scores);

        // Beside the tail, each face's best impostor score (over all shards), as quantiles: the drift's reference.
        var tops = measured.TopImpostorQuantiles!;
        Assert.Equal(101, tops.Length);
        Assert.True(tops.Zip(tops.Skip(1)).All(p => p.First <= p.Second));
        Assert.True(tops[^1] >= measured.Scores[^1], "the best top score is the highest impostor score");
        Assert.True(tops[0] > measured.Scores[0], "each face's best of 39 scores lies above the bulk of all scores");
        Assert.Equal(tops, stored.TopImpostorQuantiles);
        await Task.Delay(TimeSpan.FromSeconds(6)); // matchers re-read the calibration every few seconds
        var answer = await matcher.IdentifyEmbeddingsAsync(probe);
        var threshold = answer[0].Threshold!;
        Assert.Equal(ThresholdSource.Gallery, threshold.Source);
        Assert.Equal(measured.ImpostorScores, threshold.ImpostorScores);
        Assert.Equal(Identities, threshold.GallerySize);
        Assert.Contains("gallery's own impostor scores", threshold.Reason, StringComparison.Ordinal);

        // The threshold sits where the gallery's impostors do: random 128-d directions score about 0 ± 0.1 against
        // each other, far below any face model's impostors, so the shipped calibration would be far off here.
        Assert.InRange(threshold.Threshold, 0.2, 0.8);
        var stats = await grains.GetGrain<IGalleryGrain>(0).GetStatsAsync();
        Assert.Equal(ThresholdSource.Gallery, stats.DefaultThreshold.Source);
    }

    private static async Task Enrol(IGrainFactory grains, string model, int i, float[] centre, Random random)
    {
        var faces = Enumerable.Range(0, FacesEach).Select(f =>
        {
            var v = centre.Zip(Noise(random, 0.3f), (a, b) => a + b).ToArray();
            VectorMath.L2Normalize(v);
            return new FaceVector($"f{i}-{f}", v);
        }).ToList();
        var result = await grains.GetGrain<IIdentityGrain>($"calib-{i:D2}").EnrollEmbeddingsAsync(new EmbeddingEnrollRequest(faces, model));
        Assert.Equal(FacesEach, result.AcceptedCount);
    }

    private static float[] Noise(Random random, float scale)
    {
        var v = Enumerable.Range(0, Dimension).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        VectorMath.L2Normalize(v);
        return v.Select(x => x * scale).ToArray();
    }
}
