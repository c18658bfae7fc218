using FaceGrains.Grains.Interfaces;
using FaceGrains.TestSupport;
using Xunit;

namespace FaceGrains.Grains.Tests;

/// <summary>A cluster that starts with one silo; two more join later (shards check their home every second).</summary>
public class GrowingGalleryCluster : GalleryCluster
{
    protected override int InitialSilos => 1;

    protected override int ShardRebalanceSeconds => 1;
}

/// <summary>Shard s lives on the s-th silo: spread over the cluster, and moved there when silos join, answers unchanged.</summary>
public sealed class ShardPlacementTests(GrowingGalleryCluster fixture) : IClassFixture<GrowingGalleryCluster>
{
    [RequiresModelFact]
    public async Task Shards_first_placed_on_a_lone_silo_spread_over_the_silos_that_join_and_answer_the_same()
    {
        var model = (await fixture.Grains.GetGrain<IModelRegistryGrain>(0).GetAsync()).ActiveVersion;
        var random = new Random(23);
        var vectors = Enumerable.Range(0, 40).Select(_ => Enumerable.Range(0, 128).Select(_ => (float)random.NextDouble() - 0.5f).ToArray()).ToList();
        for (var i = 0; i < vectors.Count; i++)
        {
            await fixture.Grains.GetGrain<IIdentityGrain>($"placed-{i:D2}").EnrollEmbeddingsAsync(new EmbeddingEnrollRequest([new FaceVector("v", vectors[i])], model));
        }

        var matcher = fixture.Grains.GetGrain<IMatcherGrain>(0);
        var probe = new ProbeBatch([.. vectors.SelectMany(v => v)], vectors.Count, 128);
        var exact = new IdentifyOptions(Threshold: new ThresholdRequest(Threshold: 0.999));
        var before = await matcher.IdentifyEmbeddingsAsync(probe, exact);
        Assert.Equal(1, await SilosHoldingShards());

        await fixture.Cluster.StartAdditionalSiloAsync();
        await fixture.Cluster.StartAdditionalSiloAsync();
        // Each shard moves at its own rebalance tick, writing its snapshot as it leaves: wait until every one is home.
        for (var wait = 0; wait < 60 && !await AllShardsHome(); wait++)
        {
            await Task.Delay(500);
        }

        Assert.Equal(3, await SilosHoldingShards());
        var after = await matcher.IdentifyEmbeddingsAsync(probe, exact);
        Assert.Equal(vectors.Select((_, i) => $"placed-{i:D2}"), before.Select(a => a.Faces[0].IdentityId));
        Assert.Equal(before.Select(a => a.Faces[0].IdentityId), after.Select(a => a.Faces[0].IdentityId));
        Assert.Equal(vectors.Count, after[0].Threshold!.GallerySize);

        // Shard s and shard s + 3 share a home; the three homes differ.
        var shards = (await fixture.Grains.GetGrain<IGalleryGrain>(0).GetStatsAsync()).Shards.OrderBy(s => s.Shard).ToList();
        Assert.All(shards, s => Assert.Equal(shards[s.Shard % 3].Silo, s.Silo));
    }

    /// <summary>Shard s and shard s + 3 share a home, and the three homes differ.</summary>
    private async Task<bool> AllShardsHome()
    {
        var shards = (await fixture.Grains.GetGrain<IGalleryGrain>(0).GetStatsAsync()).Shards.OrderBy(s => s.Shard).ToList();
        return shards.Select(s => s.Silo).Distinct().Count() == 3 && shards.All(s => s.Silo == shards[s.Shard % 3].Silo);
    }

    private async Task<int> SilosHoldingShards() =>
        (await fixture.Grains.GetGrain<IGalleryGrain>(0).GetStatsAsync()).Shards.Select(s => s.Silo).Distinct().Count();
}
