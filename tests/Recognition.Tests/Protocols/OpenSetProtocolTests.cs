using FaceGrains.Recognition.Datasets;
using FaceGrains.Recognition.Embedding;
using FaceGrains.Recognition.Detection;
using FaceGrains.Recognition.Protocols;
using FaceGrains.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace FaceGrains.Recognition.Tests.Protocols;

public sealed class OpenSetProtocolTests(ITestOutputHelper output)
{
    private static FolderDataset Orl() => FolderDataset.Open(SharedData.PathOf("orl"), 10);

    [RequiresModelFact("orl")]
    public void Orl_open_set_identifies_known_people_and_counts_every_search()
    {
        var split = OpenSetSplit.Create(Orl(), 3, 0.25, seed: 1);
        using var embedder = new FaceEmbedder(TestModels.FaceApi, new EmbedderOptions());

        using var preparer = FacePreparer.Open(TestModels.FaceApi, TestModels.Home);

        // ORL's images are face chips: declared aligned, as the gallery takes them with aligned=true.
        var report = OpenSetProtocol.Run(embedder, preparer, split, aligned: true);

        var m = report.Metrics;
        output.WriteLine($"rank-1 {m.Rank1:P2}; " + string.Join(", ", m.FnirAtFpir.Select(f => $"FNIR@FPIR {f.TargetFpir:0e0} = {f.Fnir:P2}")));
        Assert.Equal((30, 10), (report.KnownIdentities, report.UnknownIdentities));
        // One of the 90 enrolment images is refused by the gate: the head is turned or tilted too far.
        Assert.Equal(89, report.EnrolledImages);
        Assert.Equal((210, 100), (m.MatedCount, m.NonMatedCount));
        Assert.True(m.Rank1 >= 0.99, $"rank-1 {m.Rank1:P2} < 99 %");

        // The gallery's own impostor scores: the 89 enrolled faces against the 29 other centroids each.
        Assert.Equal(89 * 29, report.GalleryImpostors.Sum());
        Assert.Contains("head", Assert.Single(report.RejectedImages).Value, StringComparison.Ordinal);
        Assert.Equal((210, 100), (report.Mated.Count, report.NonMated.Count));
    }

    [RequiresDataFact("orl")]
    public void The_split_has_the_asked_shape_and_no_image_in_two_places()
    {
        var split = OpenSetSplit.Create(Orl(), 3, 0.25, seed: 1);

        Assert.Equal(30, split.Known.Count);
        Assert.Equal(10, split.Unknown.Count);
        Assert.All(split.Known, k => Assert.Equal((3, 7), (k.Enrolled.Count, k.Probes.Count)));
        Assert.All(split.Unknown, u => Assert.Equal(10, u.Probes.Count));
        var all = split.Known.SelectMany(k => k.Enrolled.Concat(k.Probes)).Concat(split.Unknown.SelectMany(u => u.Probes)).ToList();
        Assert.Equal(400, all.Count);
        Assert.Equal(400, all.Distinct(StringComparer.Ordinal).Count());
        Assert.Empty(split.Known.Select(k => k.Identity).Intersect(split.Unknown.Select(u => u.Identity)));
        Assert.All(split.Known, k => Assert.All(k.Enrolled.Concat(k.Probes), p => Assert.Equal(k.Identity, Path.GetFileName(Path.GetDirectoryName(p)))));
    }

    [RequiresDataFact("orl")]
    public void The_split_is_the_same_for_a_seed_and_differs_between_seeds()
    {
        static string Describe(OpenSetSplit s) =>
            string.Join(";", s.Known.Select(k => $"{k.Identity}:{string.Join(",", k.Enrolled)}")) + "|" + string.Join(",", s.Unknown.Select(u => u.Identity));

        var once = Describe(OpenSetSplit.Create(Orl(), 3, 0.25, seed: 1));
        var again = Describe(OpenSetSplit.Create(Orl(), 3, 0.25, seed: 1));
        var other = Describe(OpenSetSplit.Create(Orl(), 3, 0.25, seed: 2));

        Assert.Equal(once, again);
        Assert.NotEqual(once, other);
    }

    [RequiresDataFact("orl")]
    public void Enrolling_as_many_images_as_an_identity_has_leaves_no_probe_and_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => OpenSetSplit.Create(Orl(), 10, 0.25, seed: 1));

        Assert.Contains("10 images", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => OpenSetSplit.Create(Orl(), 11, 0.25, seed: 1));
    }

    [RequiresDataTheory("orl")]
    [InlineData(1.0)]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    public void An_unknown_fraction_outside_zero_to_one_is_refused(double fraction)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => OpenSetSplit.Create(Orl(), 3, fraction, seed: 1));
    }
}
