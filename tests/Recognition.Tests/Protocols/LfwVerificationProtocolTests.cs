using FaceGrains.Recognition.Embedding;
using FaceGrains.Recognition.Evaluation;
using FaceGrains.Recognition.Importers;
using FaceGrains.Recognition.Protocols;
using FaceGrains.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace FaceGrains.Recognition.Tests.Protocols;

public sealed class LfwVerificationProtocolTests(ITestOutputHelper output) : IDisposable
{
    private const int Folds = 2;
    private const int PairsPerHalf = 300;

    private readonly string temp = Directory.CreateTempSubdirectory("facegrains-lfw2-").FullName;

    public void Dispose() => Directory.Delete(temp, recursive: true);

    /// <summary>
    /// The first two folds of View 2 (1,200 pairs) in a folder of links to the real person folders, so the
    /// protocol runs unchanged on a fifth of LFW (the full run measures about 97.8 % with the "lfw" crop).
    /// </summary>
    [RequiresModelFact("lfw/pairs.txt")]
    public void Two_folds_of_view_2_score_as_the_full_protocol_does()
    {
        var lfw = SharedData.PathOf("lfw");
        var lines = File.ReadLines(Path.Combine(lfw, LfwVerificationProtocol.PairsFileName)).Skip(1).Take(Folds * PairsPerHalf * 2).ToList();
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
        var report = LfwVerificationProtocol.Run(embedder, temp, FaceApiImporter.LfwCrop);

        output.WriteLine($"{report.PairCount} pairs, {report.ImageCount} images: accuracy {report.Accuracy.Mean:P2}, AUC {report.Verification.Auc:F4}, EER {report.Verification.Eer:P2}");
        Assert.Equal(Folds * PairsPerHalf * 2, report.PairCount);
        Assert.Equal(Folds, report.Accuracy.Folds.Count);
        Assert.Equal((600, 600), (report.Verification.GenuineCount, report.Verification.ImpostorCount));
        Assert.Equal(0, report.MissingPairs);
        Assert.Empty(report.RejectedImages);
        Assert.True(report.Accuracy.Mean >= 0.95, $"accuracy {report.Accuracy.Mean:P2} < 95 %");
        Assert.True(report.Verification.Auc >= 0.98, $"AUC {report.Verification.Auc:F4} < 0.98");
    }

    [RequiresModelFact]
    public void A_folder_without_pairs_txt_is_file_not_found_naming_it()
    {
        using var embedder = new FaceEmbedder(TestModels.FaceApi, new EmbedderOptions());

        var e = Assert.Throws<FileNotFoundException>(() => LfwVerificationProtocol.Run(embedder, temp, null));

        Assert.Contains(temp, e.Message, StringComparison.Ordinal);
    }
}
