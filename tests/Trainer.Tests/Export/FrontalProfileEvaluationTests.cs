using FaceGrains.Recognition.Models;
using FaceGrains.TestSupport;
using FaceGrains.Trainer.Data;
using FaceGrains.Trainer.Evaluation;
using FaceGrains.Trainer.Export;
using FaceGrains.Trainer.Tests.Training;
using FaceGrains.Trainer.Training;
using Xunit;

namespace FaceGrains.Trainer.Tests.Export;

/// <summary>
/// <c>eval-cfp</c> on a published version: the frontal-vs-profile pairs and every pair of the run's held-out faces,
/// the latter being what the run reported as <c>val_eer</c>, now through ONNX Runtime and the version's recipe.
/// </summary>
public sealed class FrontalProfileEvaluationTests(Xunit.Abstractions.ITestOutputHelper log)
{
    [RequiresDataFact("cfp-train/images/001", "cfp-train/images/012")]
    public void Every_pair_of_a_runs_held_out_faces_scores_as_the_run_reported_and_frontal_profile_pairs_are_a_subset()
    {
        // Twelve real CFP identities (frontal/ and profile/ folders), linked from the shared data, not copied: a short
        // run on them is far from perfect, so equal EERs mean equal rankings, not two zeros.
        var data = Path.Combine(Path.GetTempPath(), "facegrains-trainer-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(data);
        for (var i = 1; i <= 12; i++)
        {
            Directory.CreateSymbolicLink(Path.Combine(data, $"{i:D3}"), SharedData.PathOf("cfp-train", "images", $"{i:D3}"));
        }

        var folder = SyntheticRun.NewFolder();
        var summary = SyntheticRun.Run(SyntheticRun.Config(data), folder);
        var export = OnnxExporter.Export(folder, 1, _ => { });
        var version = new ModelVersion(ModelManifest.FromJson(File.ReadAllText(export.Manifest)), export.Onnx);
        var faces = DatasetSplit.Load(folder.Split).Verification.Select(s => (s.Identity, s.Path)).ToList();

        var (frontalProfile, allPairs, withoutFace) = FrontalProfileEvaluation.Run(version, faces, 1, TestModels.Home, aligned: true);

        log.WriteLine($"val_eer {summary.FinalValEer} (untrained {summary.InitialValEer}); every pair {allPairs.Eer} over {allPairs.GenuineCount} / {allPairs.ImpostorCount}; frontal-profile {frontalProfile.Eer}");
        Assert.Equal(0, withoutFace);
        Assert.InRange(summary.FinalValEer, 0.05, 0.6);
        var n = faces.Count;
        Assert.Equal(n * (n - 1) / 2, allPairs.GenuineCount + allPairs.ImpostorCount);
        var profiles = faces.Count(f => FrontalProfileEvaluation.IsProfile(f.Path));
        Assert.InRange(profiles, 1, n - 1);
        Assert.Equal(profiles * (n - profiles), frontalProfile.GenuineCount + frontalProfile.ImpostorCount);
        // ONNX Runtime and TorchSharp agree to about 1e-5 (ExportParityTests), but the run read these JPEGs through its
        // own loader and center crop, the version through the served preparer's fixed crop: the same EER to within a
        // couple of the 273 genuine pairs (one is 0.0037).
        Assert.InRange(Math.Abs(summary.FinalValEer - allPairs.Eer), 0, 0.008);
    }
}
