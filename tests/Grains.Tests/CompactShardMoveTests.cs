using FaceGrains.Grains.Interfaces;
using FaceGrains.Recognition.Similarity;
using FaceGrains.TestSupport;
using Xunit;

namespace FaceGrains.Grains.Tests;

/// <summary>One silo to start with, two joining later, int8 shards: every shard moves home through its snapshot.</summary>
public sealed class GrowingInt8GalleryCluster : GrowingGalleryCluster
{
    protected override string ShardPrecision => "int8";
}

/// <summary>
/// An int8 shard rounds its rows around its center; moved to another silo it is rebuilt from the snapshot it wrote as
/// it left, center included, so it stores the same bits and every score comes back identical to the last digit.
/// </summary>
public sealed class CompactShardMoveTests(GrowingInt8GalleryCluster fixture) : IClassFixture<GrowingInt8GalleryCluster>
{
    [RequiresModelFact]
    public async Task Int8_shards_moved_through_their_snapshots_give_the_same_scores_to_the_last_bit()
    {
        // Enough identities that every one of the 8 shards fixes its center (ShardMatrix.CenterRows rows each), all
        // sharing a common part as one model's embeddings do.
        var model = (await fixture.Grains.GetGrain<IModelRegistryGrain>(0).GetAsync()).ActiveVersion;
        var random = new Random(29);
        var common = Enumerable.Range(0, 128).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        var count = GalleryCluster.ShardCount * ShardMatrix.CenterRows * 2;
        var vectors = Enumerable.Range(0, count).Select(_ => common.Select(c => c + (0.5f * ((float)random.NextDouble() - 0.5f))).ToArray()).ToList();
        await Task.WhenAll(Enumerable.Range(0, count).Select(i =>
            fixture.Grains.GetGrain<IIdentityGrain>($"int8-{i:D4}").EnrollEmbeddingsAsync(new EmbeddingEnrollRequest([new FaceVector("v", vectors[i])], model))));

        var matcher = fixture.Grains.GetGrain<IMatcherGrain>(0);
        var probes = vectors.Where((_, i) => i % 37 == 0).ToList();
        var batch = new ProbeBatch([.. probes.SelectMany(v => v)], probes.Count, 128);
        var options = new IdentifyOptions(Threshold: new ThresholdRequest(Threshold: 0.5), CandidateCount: 5);
        static string Scores(IReadOnlyList<ProbeAnswer> answers) => string.Join('\n', answers.Select(a =>
            string.Join(',', a.Faces[0].Candidates.Select(c => $"{c.IdentityId}:{BitConverter.SingleToInt32Bits(c.Score):X8}"))));
        var before = await matcher.IdentifyEmbeddingsAsync(batch, options);
        // Rounded (an int8 row scores its own float32 vector a little below 1), and each probe finds itself first.
        Assert.All(before.Select((a, i) => (a, i)), x => Assert.Equal($"int8-{x.i * 37:D4}", x.a.Faces[0].Candidates[0].IdentityId));
        Assert.Contains(before, a => a.Faces[0].Candidates[0].Score != 1f);

        await fixture.Cluster.StartAdditionalSiloAsync();
        await fixture.Cluster.StartAdditionalSiloAsync();
        for (var wait = 0; wait < 60 && (await fixture.Grains.GetGrain<IGalleryGrain>(0).GetStatsAsync()).Shards.Select(s => s.Silo).Distinct().Count() < 3; wait++)
        {
            await Task.Delay(500);
        }

        Assert.Equal(3, (await fixture.Grains.GetGrain<IGalleryGrain>(0).GetStatsAsync()).Shards.Select(s => s.Silo).Distinct().Count());
        Assert.Equal(Scores(before), Scores(await matcher.IdentifyEmbeddingsAsync(batch, options)));
    }
}
