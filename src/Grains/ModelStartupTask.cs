using FaceGrains.Grains.Interfaces;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FaceGrains.Grains;

/// <summary>
/// At silo start: a new cluster (no active version in the registry) activates <see cref="GalleryOptions.InitialModel"/>
/// (<see cref="ModelCatalog.ResolveInitial"/>: a version, a catalogue name, or the face-api model, imported on first
/// start); then the active version is loaded on this silo before it serves.
/// </summary>
public sealed class ModelStartupTask(ModelCatalog catalog, ModelRegistryCache registry, IGrainFactory grains, IOptions<GalleryOptions> options, ILogger<ModelStartupTask> logger) : IStartupTask
{
    public async Task Execute(CancellationToken cancellationToken)
    {
        var registryGrain = grains.GetGrain<IModelRegistryGrain>(0);
        var view = await registryGrain.GetAsync();
        if (string.IsNullOrEmpty(view.ActiveVersion))
        {
            var initial = catalog.ResolveInitial(options.Value.InitialModel);
            view = await registryGrain.RegisterAsync(ModelRegistryGrain.Info(initial), activate: true);
        }

        registry.Observe(view);
        var active = await catalog.GetAsync(view.ActiveVersion).WaitAsync(cancellationToken);
        logger.LogInformation("Serving model {Name} {Version} (the cluster's active version)", active.Version.Manifest.Name, active.Version.ShortId);
    }
}
