using System.Globalization;
using FaceGrains.Grains.Interfaces;
using FaceGrains.Recognition.Detection;
using FaceGrains.Recognition.Embedding;
using FaceGrains.Recognition.Protocols;
using FaceGrains.Recognition.Similarity;
using FaceGrains.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace FaceGrains.Grains.Tests;

public sealed class OrlGalleryCluster : GalleryCluster;

/// <summary>
/// The must-show: ORL people s1–s30 enrolled with images 1–3, probes = their images 4–10 (mated) and every image of
/// s31–s40 (unknown), all declared aligned face chips. The grains' answers must equal the offline computation over the
/// same embeddings (the same face preparer and centroid).
/// </summary>
public sealed class OrlOpenSetTests(OrlGalleryCluster fixture, ITestOutputHelper output) : IClassFixture<OrlGalleryCluster>
{
    private const int Known = 30;
    private const int People = 40;
    private const int Enrolled = 3;
    private const int ImagesPerPerson = 10;
    private const int ProbesPerCall = 32;
    private const int K = 5;
    private const float ScoreTolerance = 1e-5f;

    [RequiresModelFact("orl")]
    public async Task Orl_open_set_through_three_silos_equals_the_offline_computation()
    {
        var grains = fixture.Grains;

        var enrolments = await Task.WhenAll(Enumerable.Range(1, Known).Select(p =>
            grains.GetGrain<IIdentityGrain>($"s{p}").EnrollAsync(new EnrollRequest(Enumerable.Range(1, Enrolled).Select(i => Orl.Image(p, i)).ToList(), Aligned: true))));
        Assert.All(enrolments, e => Assert.Equal(Enrolled, e.AcceptedCount));

        var probes = new List<(int Person, int Image)>();
        for (var p = 1; p <= People; p++)
        {
            for (var i = p <= Known ? Enrolled + 1 : 1; i <= ImagesPerPerson; i++)
            {
                probes.Add((p, i));
            }
        }

        var matcher = grains.GetGrain<IMatcherGrain>(0);
        var batches = await Task.WhenAll(probes.Chunk(ProbesPerCall).Select(chunk =>
            matcher.IdentifyAsync(chunk.Select(x => Orl.Image(x.Person, x.Image)).ToList(), new IdentifyOptions(CandidateCount: K, Aligned: true))));
        var answers = batches.SelectMany(b => b).ToList();
        Assert.Equal(probes.Count, answers.Count);
        Assert.All(answers, a => Assert.Null(a.Rejection));
        Assert.All(answers, a => Assert.Single(a.Faces));
        var faces = answers.Select(a => a.Faces[0]).ToList();

        // The offline computation (as OpenSetProtocol): the same preparer, centroid = VectorMath.Centroid, cosine, top-k.
        var model = TestModels.FaceApi;
        using var embedder = new FaceEmbedder(model, new EmbedderOptions { IntraOpNumThreads = 1 });
        using var preparer = FacePreparer.Open(model, TestModels.Home);
        var enrolPaths = Enumerable.Range(1, Known).SelectMany(p => Enumerable.Range(1, Enrolled).Select(i => Orl.PathOf(p, i))).ToList();
        var offline = ImageSetEmbedding.Embed(embedder, preparer, [.. enrolPaths, .. probes.Select(x => Orl.PathOf(x.Person, x.Image))], FaceSelection.Largest, aligned: true);
        Assert.Empty(offline.Rejected);
        var dim = offline.Dimension;
        var gallery = Enumerable.Range(0, Known)
            .SelectMany(p => VectorMath.Centroid(Enumerable.Range(0, Enrolled).Select(i => offline.Row((p * Enrolled) + i).ToArray()), dim))
            .ToArray();

        var scores = new float[Known];
        var worstDifference = 0f;
        for (var q = 0; q < probes.Count; q++)
        {
            SimilarityKernels.ScoreAll(offline.Row(enrolPaths.Count + q), gallery, dim, scores);
            var expected = TopK.Select(scores, K);
            var actual = faces[q].Candidates;
            Assert.Equal(expected.Select(c => $"s{c.Index + 1}"), actual.Select(c => c.IdentityId));
            for (var c = 0; c < K; c++)
            {
                worstDifference = Math.Max(worstDifference, Math.Abs(expected[c].Score - actual[c].Score));
            }

            var threshold = answers[q].Threshold!.Threshold;
            Assert.Equal(expected[0].Score >= threshold, faces[q].Decision == IdentifyDecision.Identified);
        }

        Assert.True(worstDifference <= ScoreTolerance, $"largest score difference {worstDifference}");

        var stats = await grains.GetGrain<IGalleryGrain>(0).GetStatsAsync();
        Assert.Equal(Known, stats.IdentityCount);
        var silos = stats.Shards.Where(s => s.IdentityCount > 0).Select(s => s.Silo).Distinct().ToList();
        Assert.True(silos.Count > 1, $"all shards on {string.Join(", ", silos)}");

        var mated = faces.Zip(probes).Where(x => x.Second.Person <= Known).ToList();
        var unknown = faces.Zip(probes).Where(x => x.Second.Person > Known).ToList();
        var rank1 = mated.Count(x => x.First.Candidates[0].IdentityId == $"s{x.Second.Person}") / (double)mated.Count;
        var identifiedCorrectly = mated.Count(x => x.First.Decision == IdentifyDecision.Identified && x.First.IdentityId == $"s{x.Second.Person}") / (double)mated.Count;
        var rejected = unknown.Count(x => x.First.Decision == IdentifyDecision.NoCorrespondence) / (double)unknown.Count;
        var applied = answers[0].Threshold!;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"gallery: {stats.IdentityCount} identities in {stats.Shards.Count(s => s.IdentityCount > 0)} shards on {silos.Count} silos"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"probes: {mated.Count} mated, {unknown.Count} unknown; largest |grain − offline| score difference {worstDifference:E1}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"rank-1 {rank1:P2}; identified correctly at the threshold {identifiedCorrectly:P2}; unknown probes answered no-correspondence {rejected:P2}"));
        output.WriteLine($"threshold {applied.Threshold:F4} ({applied.Source}): {applied.Reason}");
    }
}
