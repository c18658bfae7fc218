using FaceGrains.Grains.Interfaces;

namespace FaceGrains.Grains;

/// <summary>At silo start: loads the active model version from the local store and registers it with the cluster's model registry.</summary>
public sealed class ModelStartupTask(ServingModel serving, IGrainFactory grains) : IStartupTask
{
    public async Task Execute(CancellationToken cancellationToken)
    {
        var model = await serving.GetAsync();
        var manifest = model.Version.Manifest;
        var info = new ModelVersionInfo(model.Id, manifest.Name, manifest.EmbeddingSize, model.ShippedTail is not null, new Dictionary<string, double>(manifest.Thresholds), manifest.CreatedUtc);
        await grains.GetGrain<IModelRegistryGrain>(0).RegisterAsync(info, activate: true);
    }
}
