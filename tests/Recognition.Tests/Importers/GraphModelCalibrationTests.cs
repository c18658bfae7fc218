using FaceGrains.Recognition.Calibration;
using FaceGrains.Recognition.Importers;
using FaceGrains.Recognition.Models;
using FaceGrains.TestSupport;
using Xunit;

namespace FaceGrains.Recognition.Tests.Importers;

/// <summary>
/// Each imported graph-model embedder comes with the impostor tail the project measured for exactly its version and
/// recipe (src/Recognition/Calibration/Shipped/&lt;name&gt;.json), so it identifies at a calibrated operating point
/// like the dlib model without a calibration step. When this fails, the importer or the recipe changed: measure
/// again (`facegrains models calibrate --data ../shared/data/lfw --model &lt;id&gt;`) and ship the new impostor-tail.json.
/// </summary>
public sealed class GraphModelCalibrationTests
{
    [RequiresGraphModelsTheory]
    [MemberData(nameof(TfjsGraphFidelityTests.GraphModels), MemberType = typeof(TfjsGraphFidelityTests))]
    public void Each_graph_model_import_comes_with_the_calibration_shipped_for_exactly_its_version_and_recipe(string name)
    {
        var version = ImportedModels.Get(ModelCatalogue.Find(name));

        Assert.True(ShippedCalibrations.All.TryGetValue(version.Id, out var shipped), $"no shipped calibration for {name} ({version.Id})");
        Assert.Equal(version.Manifest.Preprocessing.Fingerprint(), shipped.RecipeSha256);
        Assert.True(shipped.Pairs > 10_000_000, $"{shipped.Pairs} impostor scores");
        Assert.Equal(ImpostorCalibration.DefaultEnrolledPerIdentity, shipped.EnrolledPerIdentity);
        var installed = ShippedCalibrations.Install(new ModelStore(TestModels.Home.ModelsDirectory), version);
        Assert.NotNull(installed);
        Assert.Equal(version.Id, installed.ModelId);
    }
}
