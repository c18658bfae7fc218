using FaceGrains.Recognition;
using FaceGrains.Recognition.Models;
using FaceGrains.Trainer.Training;

namespace FaceGrains.Trainer.Export;

/// <summary>Puts a run's exported model into the content-addressed model store (so `facegrains models list` shows it).</summary>
public static class ModelPublisher
{
    public static ModelVersion Publish(RunFolder run, FaceGrainsHome home)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(home);
        if (!File.Exists(run.OnnxPath) || !File.Exists(run.ManifestPath))
        {
            throw new FileNotFoundException($"run '{run.Path}' has no export yet; run `facegrains-train export {run.Path}` first");
        }

        var store = ModelStore.ForEnvironment(home);
        return store.Publish(File.ReadAllBytes(run.OnnxPath), ModelManifest.FromJson(File.ReadAllText(run.ManifestPath)));
    }
}
