using FaceGrains.Grains.Interfaces;
using FaceGrains.TestSupport;
using Xunit;

namespace FaceGrains.Grains.Tests;

public sealed class SwapGalleryCluster : GalleryCluster;

public sealed class GateGalleryCluster : GalleryCluster;

public sealed class BusyGalleryCluster : GalleryCluster;

/// <summary>
/// Hot swap on three silos: activate a second model version (the face-api network served flip-averaged), every identity
/// re-embedded from its stored images, gated, flipped; rollback; retire. ORL images are face chips (sent as aligned).
/// </summary>
public sealed class HotSwapTests(SwapGalleryCluster fixture) : IClassFixture<SwapGalleryCluster>
{
    [RequiresModelFact("orl")]
    public async Task Activate_reembeds_every_identity_flips_rollback_flips_back_and_retire_drops_the_version()
    {
        var grains = fixture.Grains;
        var registry = grains.GetGrain<IModelRegistryGrain>(0);
        var from = (await registry.GetAsync()).ActiveVersion;
        var to = TestModels.FlipAveraged.Id;
        var people = Enumerable.Range(1, 12).ToList();
        await Swap.EnrolAsync(grains, people, faces: 2);
        Assert.Equal(from, (await Swap.IdentifyAsync(grains, 1)).ModelVersion);

        // A retired-only action on the active version is refused, with nothing changed.
        var refused = await Assert.ThrowsAsync<ArgumentException>(() => registry.RetireAsync(from));
        Assert.Contains("active", refused.Message, StringComparison.Ordinal);

        await registry.ActivateAsync(new ActivateRequest(to, Force: true));
        var view = await Swap.WaitAsync(registry, to);

        Assert.Equal(MigrationPhase.Flipped, view.Migration!.Phase);
        Assert.Equal(to, view.ActiveVersion);
        Assert.Equal(from, view.PreviousVersion);
        Assert.Equal(people.Count, view.Migration.Total);
        Assert.Equal(people.Count, view.Migration.Reembedded);
        Assert.Equal(0, view.Migration.FailureCount);
        var gate = view.Gates![to];
        Assert.Equal(24, gate.Searches); // every face of every identity, held out once
        Assert.True(gate.Passed || gate.Forced);
        foreach (var person in people)
        {
            var identity = await grains.GetGrain<IIdentityGrain>(Swap.Id(person)).GetAsync();
            Assert.All(identity!.Faces, f => Assert.Equal(new[] { from, to }.Order(), f.ModelVersions.Order()));
        }

        // Answers come from the new version (silos follow the registry within a second), and find the right people.
        await Task.Delay(ModelRegistryCache.MaxAge * 2);
        var after = await Swap.IdentifyAsync(grains, 3);
        Assert.Equal(to, after.ModelVersion);
        Assert.Equal(Swap.Id(3), after.Faces[0].Candidates[0].IdentityId);

        // Rollback: at once, to the previous version, whose shards were kept.
        view = await registry.RollbackAsync();
        Assert.Equal(from, view.ActiveVersion);
        Assert.Equal(to, view.PreviousVersion);
        await Task.Delay(ModelRegistryCache.MaxAge * 2);
        var rolledBack = await Swap.IdentifyAsync(grains, 3);
        Assert.Equal(from, rolledBack.ModelVersion);
        Assert.Equal(Swap.Id(3), rolledBack.Faces[0].Candidates[0].IdentityId);

        // Retire the previous one: its embeddings, shard rows and calibration go; the active version is untouched.
        view = await registry.RetireAsync(to);
        Assert.Null(view.PreviousVersion);
        Assert.Contains(to, view.RetiredVersions!);
        await Swap.EventuallyAsync(() => grains.GetGrain<IRetirementGrain>(to).IsDoneAsync());
        foreach (var person in people)
        {
            Assert.Null(await grains.GetGrain<IIdentityGrain>(Swap.Id(person)).GetCentroidAsync(to));
            Assert.NotNull(await grains.GetGrain<IIdentityGrain>(Swap.Id(person)).GetCentroidAsync(from));
        }

        Assert.Null(await grains.GetGrain<IGalleryCalibrationGrain>(to).GetAsync());
        var shards = await Task.WhenAll(Enumerable.Range(0, GalleryCluster.ShardCount).Select(s => grains.GetGrain<IGalleryShardGrain>(GalleryPartitioning.ShardKey(to, s)).GetStatsAsync()));
        Assert.Equal(0, shards.Sum(s => s.IdentityCount));
        Assert.Equal(ModelVersionState.Retired, (await registry.ListAsync()).Versions.Single(v => v.Id == to).State);
        await Assert.ThrowsAsync<InvalidOperationException>(() => registry.RollbackAsync());
    }
}

/// <summary>The gate refuses a candidate without a calibration of its own, keeps the figures, and changes nothing; --force flips past it.</summary>
public sealed class GateTests(GateGalleryCluster fixture) : IClassFixture<GateGalleryCluster>
{
    [RequiresModelFact("orl")]
    public async Task A_candidate_without_a_calibration_good_enough_for_the_gallery_is_refused_with_its_figures()
    {
        var grains = fixture.Grains;
        var registry = grains.GetGrain<IModelRegistryGrain>(0);
        var from = (await registry.GetAsync()).ActiveVersion;
        var to = TestModels.FlipAveraged.Id;
        await Swap.EnrolAsync(grains, Enumerable.Range(1, 10).ToList(), faces: 2);

        await registry.ActivateAsync(new ActivateRequest(to));
        var view = await Swap.WaitAsync(registry, to);

        // The candidate ships no calibration, and 10 identities' own impostor scores (20 faces × 9 others = 180) are too
        // few for the gallery's calibration: it has no threshold of its own for the target FPIR.
        Assert.Equal(MigrationPhase.Refused, view.Migration!.Phase);
        Assert.Equal(from, view.ActiveVersion);
        Assert.Null(view.CandidateVersion);
        Assert.Null(view.PreviousVersion);
        var gate = view.Gates![to];
        Assert.False(gate.Passed);
        Assert.False(gate.Forced);
        Assert.Equal(20, gate.Searches);
        Assert.Equal(from, gate.Active.ModelVersion);
        Assert.Equal(ThresholdSource.Shipped, gate.Active.ThresholdSource);
        Assert.DoesNotContain(gate.Candidate.ThresholdSource, new[] { ThresholdSource.Shipped, ThresholdSource.Gallery });
        Assert.Contains("no calibration of its own", gate.Reason, StringComparison.Ordinal);
        Assert.InRange(gate.Candidate.Rank1!.Value, 0.9, 1); // measured all the same, and kept
        Assert.Equal(gate, (await registry.ListAsync()).Versions.Single(v => v.Id == to).Gate);
        Assert.Equal(from, (await Swap.IdentifyAsync(grains, 2)).ModelVersion);

        // Another try while nothing runs is allowed; a second activation while one runs is not.
        await registry.ActivateAsync(new ActivateRequest(to, Force: true));
        await Assert.ThrowsAsync<InvalidOperationException>(() => registry.ActivateAsync(new ActivateRequest(to)));
        view = await Swap.WaitAsync(registry, to);
        Assert.Equal(MigrationPhase.Flipped, view.Migration!.Phase);
        Assert.True(view.Gates![to].Forced);
    }
}

/// <summary>Enrolments and forgets while a migration runs are applied under both versions: after the flip nobody is missing and nobody forgotten is back.</summary>
public sealed class MigrationDuringWritesTests(BusyGalleryCluster fixture) : IClassFixture<BusyGalleryCluster>
{
    [RequiresModelFact("orl")]
    public async Task Enrol_and_forget_during_a_migration_land_under_both_versions()
    {
        var grains = fixture.Grains;
        var registry = grains.GetGrain<IModelRegistryGrain>(0);
        var from = (await registry.GetAsync()).ActiveVersion;
        var to = TestModels.FlipAveraged.Id;
        await Swap.EnrolAsync(grains, Enumerable.Range(1, 30).ToList(), faces: 2);

        await registry.ActivateAsync(new ActivateRequest(to, Force: true));
        var writes = Task.WhenAll(
            Swap.EnrolAsync(grains, Enumerable.Range(31, 6).ToList(), faces: 2),
            Task.WhenAll(Enumerable.Range(1, 4).Select(p => grains.GetGrain<IIdentityGrain>(Swap.Id(p)).ForgetAsync())),
            grains.GetGrain<IIdentityGrain>(Swap.Id(5)).EnrollAsync(new EnrollRequest([Orl.Image(5, 9)], Aligned: true)));
        var during = (await registry.GetAsync()).Migration!;
        await writes;
        var view = await Swap.WaitAsync(registry, to);

        Assert.True(during.Phase is MigrationPhase.Reembedding or MigrationPhase.Gating, $"the writes were meant to land during the migration; it was {during.Phase}");
        Assert.Equal(MigrationPhase.Flipped, view.Migration!.Phase);
        foreach (var version in new[] { from, to })
        {
            for (var p = 1; p <= 36; p++)
            {
                var centroid = await grains.GetGrain<IIdentityGrain>(Swap.Id(p)).GetCentroidAsync(version);
                if (p <= 4)
                {
                    Assert.Null(centroid);
                }
                else
                {
                    Assert.NotNull(centroid);
                    Assert.Equal(p == 5 ? 3 : 2, centroid.FaceCount);
                }
            }

            var shards = await Task.WhenAll(Enumerable.Range(0, GalleryCluster.ShardCount).Select(s => grains.GetGrain<IGalleryShardGrain>(GalleryPartitioning.ShardKey(version, s)).GetStatsAsync()));
            Assert.Equal(32, shards.Sum(s => s.IdentityCount));
        }
    }
}

/// <summary>Shared steps of the hot-swap tests.</summary>
internal static class Swap
{
    public static string Id(int person) => $"swap-s{person}";

    public static async Task EnrolAsync(IGrainFactory grains, IReadOnlyList<int> people, int faces)
    {
        var results = await Task.WhenAll(people.Select(p => grains.GetGrain<IIdentityGrain>(Id(p))
            .EnrollAsync(new EnrollRequest(Enumerable.Range(1, faces).Select(i => Orl.Image(p, i)).ToList(), Aligned: true))));
        Assert.All(results, r => Assert.Equal(faces, r.AcceptedCount));
    }

    /// <summary>ORL image 10 of <paramref name="person"/>, identified with a raw threshold (decisions do not depend on calibration).</summary>
    public static async Task<ProbeAnswer> IdentifyAsync(IGrainFactory grains, int person) =>
        (await grains.GetGrain<IMatcherGrain>(0).IdentifyAsync([Orl.Image(person, 10)], new IdentifyOptions(Threshold: new ThresholdRequest(Threshold: 0.5), Aligned: true)))[0];

    /// <summary>Polls the registry until the migration to <paramref name="to"/> has flipped, been refused or failed.</summary>
    public static async Task<ModelRegistryView> WaitAsync(IModelRegistryGrain registry, string to)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (true)
        {
            var view = await registry.GetAsync();
            if (view.Migration is { } m && m.To == to && m.Phase is MigrationPhase.Flipped or MigrationPhase.Refused or MigrationPhase.Failed)
            {
                return view;
            }

            Assert.True(DateTime.UtcNow < deadline, $"the migration did not end in 3 minutes: {view.Migration}");
            await Task.Delay(100);
        }
    }

    public static async Task EventuallyAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold within a minute");
            await Task.Delay(200);
        }
    }
}
