using FaceGrains.Recognition.Embedding;
using FaceGrains.Recognition.Evaluation;
using FaceGrains.Recognition.Detection;
using FaceGrains.Recognition.Tests.Detection;
using FaceGrains.Recognition.Protocols;
using FaceGrains.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace FaceGrains.Recognition.Tests.Protocols;

public sealed class LfwVerificationProtocolTests(ITestOutputHelper output) : IDisposable
{
    private const int Folds = 2;
    private const int PairsPerHalf = 100;

    private readonly string temp = Directory.CreateTempSubdirectory("facegrains-lfw2-").FullName;

    public void Dispose() => Directory.Delete(temp, recursive: true);

    /// <summary>
    /// The first 100 matched and 100 mismatched pairs of the first two folds of View 2 (400 pairs) in a folder of links
    /// to the real person folders, so the protocol runs unchanged, with the served alignment, on a fifteenth of LFW
    /// (the full run measures 98.88 %).
    /// </summary>
    [RequiresModelFact("lfw/pairs.txt")]
    public void Two_folds_of_view_2_score_as_the_full_protocol_does()
    {
        var lfw = SharedData.PathOf("lfw");
        var all = File.ReadLines(Path.Combine(lfw, LfwVerificationProtocol.PairsFileName)).Skip(1).ToList();
        var lines = Enumerable.Range(0, Folds * 2).SelectMany(half => all.Skip(half * 300).Take(PairsPerHalf)).ToList();
        File.WriteAllLines(Path.Combine(temp, LfwVerificationProtocol.PairsFileName), [$"{Folds}\t{PairsPerHalf}", .. lines]);
        var people = LfwPairs.Read(Path.Combine(temp, LfwVerificationProtocol.PairsFileName))
            .SelectMany(p => new[] { p.FirstPath, p.SecondPath })
            .Select(r => r.Split('/')[0])
            .Distinct(StringComparer.Ordinal);
        foreach (var person in people)
        {
            Directory.CreateSymbolicLink(Path.Combine(temp, person), Path.Combine(lfw, person));
        }

        using var embedder = new FaceEmbedder(TestModels.FaceApi, new EmbedderOptions());
        var report = LfwVerificationProtocol.Run(embedder, new FacePreparer(TestModels.FaceApi, DetectionModels.Detector, DetectionModels.Landmarker), temp);

        output.WriteLine($"{report.PairCount} pairs, {report.ImageCount} images: accuracy {report.Accuracy.Mean:P2}, AUC {report.Verification.Auc:F4}, EER {report.Verification.Eer:P2}");
        Assert.Equal(Folds * PairsPerHalf * 2, report.PairCount);
        Assert.Equal(Folds, report.Accuracy.Folds.Count);
        Assert.Equal((200, 200), (report.Verification.GenuineCount, report.Verification.ImpostorCount));
        Assert.Equal(0, report.MissingPairs);
        Assert.Empty(report.RejectedImages);
        Assert.True(report.Accuracy.Mean >= 0.97, $"accuracy {report.Accuracy.Mean:P2} < 97 %");
        Assert.True(report.Verification.Auc >= 0.98, $"AUC {report.Verification.Auc:F4} < 0.98");
    }

    [RequiresModelFact]
    public void A_folder_without_pairs_txt_is_file_not_found_naming_it()
    {
        using var embedder = new FaceEmbedder(TestModels.FaceApi, new EmbedderOptions());

        var e = Assert.Throws<FileNotFoundException>(() => LfwVerificationProtocol.Run(embedder, new FacePreparer(TestModels.FaceApi, DetectionModels.Detector, DetectionModels.Landmarker), temp));

        Assert.Contains(temp, e.Message, StringComparison.Ordinal);
    }
}
