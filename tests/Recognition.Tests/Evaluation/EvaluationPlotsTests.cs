using FaceGrains.Recognition.Evaluation;
using Xunit;

namespace FaceGrains.Recognition.Tests.Evaluation;

public sealed class EvaluationPlotsTests : IDisposable
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G'];

    private readonly string folder = Directory.CreateTempSubdirectory("facegrains-plots-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void ROC_and_DET_plots_are_written_as_PNG()
    {
        var verification = SyntheticVerification();
        var roc = Path.Combine(folder, "roc.png");
        var det = Path.Combine(folder, "nested", "det.png");

        EvaluationPlots.SaveRoc(verification, roc, "Synthetic ROC");
        EvaluationPlots.SaveDet(verification, det, "Synthetic DET");

        AssertPng(roc);
        AssertPng(det);
    }

    [Fact]
    public void Open_set_DET_is_written_as_PNG()
    {
        var random = new Random(5);
        var mated = Enumerable.Range(0, 500)
            .Select(_ => new MatedSearch("A", [new("A", 0.5 + (0.3 * random.NextDouble())), new("B", 0.2 * random.NextDouble())]))
            .ToArray();
        var nonMated = Enumerable.Range(0, 2000)
            .Select(_ => new NonMatedSearch([new("A", 0.6 * random.NextDouble())]))
            .ToArray();
        var path = Path.Combine(folder, "openset.png");

        EvaluationPlots.SaveDet(OpenSetMetrics.Compute(mated, nonMated), path, "Synthetic open-set DET");

        AssertPng(path);
    }

    [Fact]
    public void Perfect_separation_still_writes_a_plot()
    {
        var result = VerificationMetrics.Compute([0.9, 0.1], [true, false]);
        var path = Path.Combine(folder, "perfect.png");

        EvaluationPlots.SaveDet(result, path, "Perfect");

        AssertPng(path);
    }

    /// <summary>Overlapping normal-ish genuine and impostor scores, enough impostors to reach FAR 1e-4.</summary>
    internal static VerificationResult SyntheticVerification()
    {
        var random = new Random(11);
        const int genuineCount = 3000;
        const int impostorCount = 30000;
        var scores = new double[genuineCount + impostorCount];
        var genuine = new bool[scores.Length];
        for (var i = 0; i < scores.Length; i++)
        {
            genuine[i] = i < genuineCount;
            var noise = random.NextDouble() + random.NextDouble() + random.NextDouble() - 1.5;
            scores[i] = (genuine[i] ? 0.4 : 0.1) + (0.2 * noise);
        }

        return VerificationMetrics.Compute(scores, genuine);
    }

    private static void AssertPng(string path)
    {
        Assert.True(File.Exists(path), $"{path} was not written");
        var bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length > 1000, $"{path} is suspiciously small ({bytes.Length} bytes)");
        Assert.Equal(PngSignature, bytes.Take(PngSignature.Length));
    }
}
