using FaceGrains.Recognition;
using FaceGrains.Recognition.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace FaceGrains.Grains;

public static class GallerySiloBuilderExtensions
{
    /// <summary>
    /// Everything the gallery grains need on a silo: validated <see cref="GalleryOptions"/>, the face image store (unless
    /// the host registered one: <c>&lt;Home&gt;/faces</c>), the model store (unless the host registered one:
    /// <c>&lt;Home&gt;/models</c>), the catalog of model versions loaded here, this silo's view of the model
    /// registry, the embedding batcher, the gallery's metrics (<see cref="GalleryMetrics"/>; a host exports the meter), the migration watchdog, and a startup task that activates the first version of a
    /// new cluster and loads the active one. The host registers grain storage named <see cref="GalleryStorage.ProviderName"/>
    /// and clustering itself.
    /// </summary>
    public static ISiloBuilder AddFaceGallery(this ISiloBuilder silo, Action<GalleryOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var options = silo.Services.AddOptions<GalleryOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        silo.Services.AddSingleton<IValidateOptions<GalleryOptions>, GalleryOptionsValidator>();
        silo.Services.TryAddSingleton<IFaceImageStore>(sp => new FileFaceImageStore(sp.GetRequiredService<IOptions<GalleryOptions>>().Value.ResolvedFacesDirectory));
        silo.Services.TryAddSingleton(sp => new ModelStore(FaceGrainsHome.Resolve(sp.GetRequiredService<IOptions<GalleryOptions>>().Value.Home).ModelsDirectory));
        silo.Services.AddSingleton<ModelCatalog>();
        silo.Services.AddSingleton<ModelRegistryCache>();
        silo.Services.AddSingleton<IdentifyLatency>();
        silo.Services.AddMetrics();
        silo.Services.AddSingleton<IdentifyScoreDrift>();
        silo.Services.AddSingleton<GalleryMetrics>();
        silo.Services.AddSingleton<EmbeddingBatcher>();
        silo.Services.AddSingleton<ShardSearchBatcher>();
        silo.Services.AddSingleton<ShardSnapshotStore>();
        silo.AddPlacementDirector<ShardPlacementStrategy, ShardPlacementDirector>();
        silo.Services.AddHostedService<MigrationWatchdog>();
        silo.AddStartupTask<ModelStartupTask>();
        return silo;
    }
}
