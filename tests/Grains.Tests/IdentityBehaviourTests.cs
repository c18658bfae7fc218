using Microsoft.Extensions.Options;
using Microsoft.Extensions.DependencyInjection;
using FaceGrains.Grains.Interfaces;
using FaceGrains.Recognition.Similarity;
using FaceGrains.TestSupport;
using Xunit;

namespace FaceGrains.Grains.Tests;

public sealed class BehaviourGalleryCluster : GalleryCluster;

/// <summary>
/// Enrolment outcomes, bad input, concurrency and forgetting, each on its own identities in one shared cluster. ORL's
/// images are face chips, so they are sent as aligned (no detection); the photo path has its own tests.
/// </summary>
public sealed class IdentityBehaviourTests(BehaviourGalleryCluster fixture) : IClassFixture<BehaviourGalleryCluster>
{
    private IIdentityGrain Identity(string id) => fixture.Grains.GetGrain<IIdentityGrain>(id);

    private IMatcherGrain Matcher => fixture.Grains.GetGrain<IMatcherGrain>(0);

    [RequiresModelFact("orl")]
    public async Task Re_enrolling_the_same_bytes_is_idempotent()
    {
        var first = await Identity("idem").EnrollAsync(new EnrollRequest([Orl.Image(1, 1), Orl.Image(1, 2)], Aligned: true));
        var again = await Identity("idem").EnrollAsync(new EnrollRequest([Orl.Image(1, 1), Orl.Image(1, 2)], Aligned: true));

        Assert.Equal(2, first.AcceptedCount);
        Assert.All(again.Faces, f => Assert.Equal(FaceStatus.Duplicate, f.Status));
        Assert.All(again.Faces, f => Assert.True(f.IsEnrolled));
        Assert.Equal(first.Identity!.Faces.Select(f => f.FaceId), again.Identity!.Faces.Select(f => f.FaceId));
        Assert.Equal(first.Identity.UpdatedUtc, again.Identity.UpdatedUtc);
    }

    [RequiresModelFact("orl")]
    public async Task The_same_image_twice_in_one_request_is_enrolled_once()
    {
        var result = await Identity("twice").EnrollAsync(new EnrollRequest([Orl.Image(2, 1), Orl.Image(2, 1)], Aligned: true));

        Assert.Equal([FaceStatus.Accepted, FaceStatus.Duplicate], result.Faces.Select(f => f.Status));
        Assert.Single(result.Identity!.Faces);
    }

    [RequiresModelFact("orl")]
    public async Task A_face_enrolled_under_another_identity_is_refused_and_the_second_identity_is_not_created()
    {
        await Identity("owner").EnrollAsync(new EnrollRequest([Orl.Image(3, 1)], Aligned: true));

        var result = await Identity("thief").EnrollAsync(new EnrollRequest([Orl.Image(3, 1)], Aligned: true));

        var outcome = Assert.Single(result.Faces);
        Assert.Equal(FaceStatus.ConflictsWithOtherIdentity, outcome.Status);
        Assert.Equal("owner", outcome.ConflictingIdentityId);
        Assert.Null(result.Identity);
        Assert.Null(await Identity("thief").GetAsync());
        Assert.Equal("owner", await fixture.Grains.GetGrain<IFaceIndexGrain>(outcome.FaceId!).GetOwnerAsync());
    }

    [RequiresModelFact("orl")]
    public async Task Empty_corrupt_truncated_and_oversized_images_are_rejected_and_state_is_unchanged()
    {
        var before = (await Identity("bad-input").EnrollAsync(new EnrollRequest([Orl.Image(4, 1)], Aligned: true))).Identity!;
        var good = File.ReadAllBytes(Orl.PathOf(4, 2));
        var corrupt = "definitely not an image"u8.ToArray();
        var truncated = good[..40];
        var oversized = new byte[GalleryCluster.MaxImageBytes + 1];
        good.CopyTo(oversized, 0);

        var result = await Identity("bad-input").EnrollAsync(new EnrollRequest(
            [new FaceImage([], "empty.pgm"), new FaceImage(corrupt, "corrupt.jpg"), new FaceImage(truncated, "truncated.pgm"), new FaceImage(oversized, "huge.pgm")], Aligned: true));

        Assert.Equal([FaceStatus.Empty, FaceStatus.Undecodable, FaceStatus.Truncated, FaceStatus.TooLarge], result.Faces.Select(f => f.Status));
        Assert.All(result.Faces, f => Assert.False(string.IsNullOrWhiteSpace(f.Message)));
        var after = await Identity("bad-input").GetAsync();
        Assert.Equal(before.Faces.Select(f => f.FaceId), after!.Faces.Select(f => f.FaceId));
        Assert.Equal(before.UpdatedUtc, after.UpdatedUtc);

        // A corrupt image among good ones fails only itself.
        var mixed = await Identity("bad-input").EnrollAsync(new EnrollRequest([new FaceImage(corrupt), Orl.Image(4, 3)], Aligned: true));
        Assert.Equal([FaceStatus.Undecodable, FaceStatus.Accepted], mixed.Faces.Select(f => f.Status));

        var probes = await Matcher.IdentifyAsync([new FaceImage(corrupt, "probe.jpg"), Orl.Image(4, 4)], new IdentifyOptions(Aligned: true));
        Assert.Empty(probes[0].Faces);
        Assert.Equal(FaceStatus.Undecodable, probes[0].Rejection!.Status);
        Assert.Null(probes[1].Rejection);
        Assert.Single(probes[1].Faces);
    }

    [RequiresModelFact("orl")]
    public async Task An_unknown_identity_is_answered_as_absent_and_is_not_created()
    {
        var unknown = Identity("nobody");

        Assert.Null(await unknown.GetAsync());
        Assert.Null(await unknown.RenameAsync("Somebody"));
        Assert.False(await unknown.RemoveFaceAsync("0000"));
        Assert.False(await unknown.ForgetAsync());
        var verify = await Matcher.VerifyAsync(new VerifyRequest(Orl.Image(5, 1), IdentityId: "nobody", Aligned: true));
        Assert.False(verify.IdentityFound);
        Assert.Null(verify.Match);
        Assert.Null(await unknown.GetAsync());
    }

    [RequiresModelFact("orl")]
    public async Task Concurrent_enrolments_to_one_identity_lose_no_face()
    {
        var calls = Enumerable.Range(1, 10).Select(i => Identity("crowd").EnrollAsync(new EnrollRequest([Orl.Image(6, i)], Aligned: true)));
        var results = await Task.WhenAll(calls);

        Assert.All(results, r => Assert.Equal(FaceStatus.Accepted, Assert.Single(r.Faces).Status));
        var view = await Identity("crowd").GetAsync();
        Assert.Equal(10, view!.Faces.Select(f => f.FaceId).Distinct().Count());
    }

    [RequiresModelFact("orl")]
    public async Task Forget_removes_state_images_face_claims_directory_and_shard_entries()
    {
        var enrolled = await Identity("forget-me").EnrollAsync(new EnrollRequest([Orl.Image(7, 1), Orl.Image(7, 2)], "To Be Forgotten", Aligned: true));
        var faceIds = enrolled.Identity!.Faces.Select(f => f.FaceId).ToList();
        var store = new FileFaceImageStore(fixture.FacesDirectory);
        Assert.All(faceIds, id => Assert.True(store.ExistsAsync(id).Result));
        var before = await Matcher.IdentifyAsync([Orl.Image(7, 3)], new IdentifyOptions(Threshold: new ThresholdRequest(Threshold: -1), Aligned: true));
        Assert.Equal("forget-me", before[0].Faces[0].IdentityId);

        Assert.True(await Identity("forget-me").ForgetAsync());

        Assert.Null(await Identity("forget-me").GetAsync());
        Assert.All(faceIds, id => Assert.False(store.ExistsAsync(id).Result));
        foreach (var id in faceIds)
        {
            Assert.Null(await fixture.Grains.GetGrain<IFaceIndexGrain>(id).GetOwnerAsync());
        }

        Assert.DoesNotContain(await fixture.Grains.GetGrain<IGalleryGrain>(0).ListIdentitiesAsync(), s => s.Id == "forget-me");
        var after = await Matcher.IdentifyAsync([Orl.Image(7, 3)], new IdentifyOptions(Threshold: new ThresholdRequest(Threshold: -1), CandidateCount: 100, Aligned: true));
        Assert.DoesNotContain(after[0].Faces[0].Candidates, c => c.IdentityId == "forget-me");

        // Its faces are free again: another identity may enrol them.
        var reuse = await Identity("forget-me-heir").EnrollAsync(new EnrollRequest([Orl.Image(7, 1)], Aligned: true));
        Assert.Equal(FaceStatus.Accepted, Assert.Single(reuse.Faces).Status);
    }

    [RequiresModelFact("orl")]
    public async Task Remove_face_and_rename_update_the_identity_and_its_centroid()
    {
        var enrolled = await Identity("editable").EnrollAsync(new EnrollRequest([Orl.Image(8, 1), Orl.Image(8, 2)], Metadata: new Dictionary<string, string> { ["team"] = "a" }, Aligned: true));
        var removed = enrolled.Identity!.Faces[0].FaceId;

        Assert.True(await Identity("editable").RemoveFaceAsync(removed));
        Assert.False(await Identity("editable").RemoveFaceAsync(removed));
        var renamed = await Identity("editable").RenameAsync("Edited");

        Assert.Equal("Edited", renamed!.DisplayName);
        Assert.Equal("a", renamed.Metadata["team"]);
        Assert.Single(renamed.Faces);
        var centroid = await Identity("editable").GetCentroidAsync(renamed.ModelVersions[0]);
        Assert.Equal(1, centroid!.FaceCount);
        Assert.All(centroid.FaceEmbeddings.Zip(centroid.Centroid), x => Assert.Equal(x.First, x.Second, 1e-6f));
        Assert.False(await new FileFaceImageStore(fixture.FacesDirectory).ExistsAsync(removed));
        Assert.Contains(await fixture.Grains.GetGrain<IGalleryGrain>(0).ListIdentitiesAsync(), s => s.Id == "editable" && s.DisplayName == "Edited" && s.FaceCount == 1);
    }

    [RequiresModelFact("orl")]
    public async Task Embedding_in_enrolment_and_identification_agree_with_a_direct_dot_product()
    {
        var model = (await fixture.Grains.GetGrain<IModelRegistryGrain>(0).GetAsync()).ActiveVersion;
        var random = new Random(7);
        float[] Unit()
        {
            var v = Enumerable.Range(0, 128).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
            VectorMath.L2Normalize(v);
            return v;
        }

        var a = Unit();
        var result = await Identity("vector-person").EnrollEmbeddingsAsync(new EmbeddingEnrollRequest([new FaceVector("v1", a), new FaceVector("bad", new float[3])], model));
        Assert.Equal([FaceStatus.Accepted, FaceStatus.InvalidEmbedding], result.Faces.Select(f => f.Status));

        var answers = await Matcher.IdentifyEmbeddingsAsync(new ProbeBatch(a, 1, 128), new IdentifyOptions(Threshold: new ThresholdRequest(Threshold: 0.999)));
        var face = Assert.Single(answers[0].Faces);
        Assert.Equal(IdentifyDecision.Identified, face.Decision);
        Assert.Equal("vector-person", face.IdentityId);
        Assert.Equal(1f, face.Score!.Value, 1e-5f);
        Assert.Equal(ThresholdSource.Requested, answers[0].Threshold!.Source);

        await Assert.ThrowsAnyAsync<ArgumentException>(() => Identity("vector-person").EnrollEmbeddingsAsync(new EmbeddingEnrollRequest([new FaceVector("v2", a)], "not-the-active-model")));
    }

    [RequiresModelFact("orl")]
    public async Task Verify_two_images_scores_their_cosine_at_the_one_to_one_threshold()
    {
        var same = await Matcher.VerifyAsync(new VerifyRequest(Orl.Image(9, 1), Orl.Image(9, 2), Aligned: true));
        var identical = await Matcher.VerifyAsync(new VerifyRequest(Orl.Image(9, 1), Orl.Image(9, 1), Aligned: true));
        var corrupt = await Matcher.VerifyAsync(new VerifyRequest(Orl.Image(9, 1), new FaceImage([1, 2, 3]), Aligned: true));

        Assert.NotNull(same.Score);
        Assert.Equal(1f, identical.Score!.Value, 1e-5f);
        Assert.True(identical.Match);
        Assert.Equal(1, same.Threshold.GallerySize);
        Assert.Null(corrupt.Match);
        Assert.NotNull(corrupt.OtherRejection);
    }

    [Fact]
    public async Task Concurrent_identify_calls_are_joined_into_shared_shard_searches_and_answered_as_if_alone()
    {
        var model = (await fixture.Grains.GetGrain<IModelRegistryGrain>(0).GetAsync()).ActiveVersion;
        var random = new Random(17);
        float[] Vector() => Enumerable.Range(0, 128).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        for (var i = 0; i < 24; i++)
        {
            await Identity($"joined-{i:D2}").EnrollEmbeddingsAsync(new EmbeddingEnrollRequest([new FaceVector("v", Vector())], model));
        }

        var probes = Enumerable.Range(0, 64).Select(_ => new ProbeBatch(Vector(), 1, 128)).ToList();
        var options = new IdentifyOptions(Threshold: new ThresholdRequest(Threshold: 0.2), CandidateCount: 3);
        var alone = new List<IReadOnlyList<ProbeAnswer>>();
        // Through the matcher: concurrent calls answer as the same calls one at a time.
        foreach (var probe in probes)
        {
            alone.Add(await Matcher.IdentifyEmbeddingsAsync(probe, options));
        }

        var together = await Task.WhenAll(probes.Select(p => Matcher.IdentifyEmbeddingsAsync(p, options)));
        static string Describe(IReadOnlyList<ProbeAnswer> a) =>
            string.Join(";", a[0].Faces.Select(f => $"{f.Label}:{f.Score:F5}:{string.Join(",", f.Candidates.Select(c => c.IdentityId))}"));
        Assert.Equal(alone.Select(Describe), together.Select(Describe));

        // The batcher itself, with one search in flight so that calls arriving meanwhile must be joined: each call
        // gets exactly the candidates it gets alone (same scores to the bit), trimmed to its own k.
        using var batcher = new ShardSearchBatcher(Options.Create(new GalleryOptions { ShardCount = GalleryCluster.ShardCount, SearchConcurrency = 1 }));
        var single = new List<string>();
        for (var i = 0; i < probes.Count; i++)
        {
            single.Add(Flatten(await batcher.SearchAsync(fixture.Grains, model, probes[i], 1 + (i % 3))));
        }

        var joined = await Task.WhenAll(probes.Select((p, i) => batcher.SearchAsync(fixture.Grains, model, p, 1 + (i % 3))));
        Assert.Equal(single, joined.Select(Flatten));
        var served = batcher.Served;
        Assert.Equal(128, served.Calls);
        Assert.True(served.Batches < 128, $"{served.Calls} calls took {served.Batches} shard searches");

        static string Flatten(ShardSearchResult[] shards) =>
            string.Join("|", shards.Select(s => string.Join(",", s.Candidates[0].Select(c => $"{c.IdentityId}:{BitConverter.SingleToInt32Bits(c.Score)}"))));
    }

    [RequiresModelFact("orl")]
    public async Task Shards_are_rebuilt_from_the_identities_after_deactivation()
    {
        var model = (await fixture.Grains.GetGrain<IModelRegistryGrain>(0).GetAsync()).ActiveVersion;
        var vectors = Enumerable.Range(0, 3).Select(i =>
        {
            var v = new float[128];
            v[i] = 1;
            return v;
        }).ToList();
        for (var i = 0; i < vectors.Count; i++)
        {
            await Identity($"rebuild-{i}").EnrollEmbeddingsAsync(new EmbeddingEnrollRequest([new FaceVector($"r{i}", vectors[i])], model));
        }

        var probe = new ProbeBatch([.. vectors.SelectMany(v => v)], vectors.Count, 128);
        var exact = new IdentifyOptions(Threshold: new ThresholdRequest(Threshold: 0.999));
        var before = await Matcher.IdentifyEmbeddingsAsync(probe, exact);

        // Idle collection leaves shards alone ([KeepAlive]): a quiet gallery keeps its matrices.
        var management = fixture.Grains.GetGrain<IManagementGrain>(0);
        async Task<int> ShardActivations() => (await management.GetSimpleGrainStatistics())
            .Where(s => s.GrainType.Contains(nameof(GalleryShardGrain), StringComparison.OrdinalIgnoreCase)).Sum(s => s.ActivationCount);
        var active = await ShardActivations();
        Assert.True(active > 0);
        await management.ForceActivationCollection(TimeSpan.Zero);
        Assert.Equal(active, await ShardActivations());

        // A shard that does go (its silo stops, or it is told to) comes back from the identities and finds them again.
        var shards = (await fixture.Grains.GetGrain<IGalleryGrain>(0).GetStatsAsync()).Shards.Count;
        foreach (var s in Enumerable.Range(0, shards))
        {
            await fixture.Grains.GetGrain<IGalleryShardGrain>(GalleryPartitioning.ShardKey(model, s)).Cast<Orleans.Core.Internal.IGrainManagementExtension>().DeactivateOnIdle();
        }

        for (var wait = 0; wait < 50 && await ShardActivations() > 0; wait++)
        {
            await Task.Delay(100);
        }

        Assert.Equal(0, await ShardActivations());
        var after = await Matcher.IdentifyEmbeddingsAsync(probe, exact);

        Assert.Equal(["rebuild-0", "rebuild-1", "rebuild-2"], before.Select(a => a.Faces[0].IdentityId));
        Assert.Equal(before.Select(a => a.Faces[0].IdentityId), after.Select(a => a.Faces[0].IdentityId));
        Assert.Equal(before[0].Threshold!.GallerySize, after[0].Threshold!.GallerySize);
    }
}
