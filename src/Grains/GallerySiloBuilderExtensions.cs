using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FaceGrains.Grains;

public static class GallerySiloBuilderExtensions
{
    /// <summary>
    /// Everything the gallery grains need on a silo: validated <see cref="GalleryOptions"/>, the face image store (default
    /// <c>&lt;Home&gt;/faces</c>), the served model (loaded from <c>&lt;Home&gt;/models</c>) and its embedding batcher, and a startup
    /// task that loads the model and registers it. The host registers grain storage named <see cref="GalleryStorage.ProviderName"/>
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
        silo.Services.AddSingleton<IFaceImageStore>(sp => new FileFaceImageStore(sp.GetRequiredService<IOptions<GalleryOptions>>().Value.ResolvedFacesDirectory));
        silo.Services.AddSingleton<ServingModel>();
        silo.Services.AddSingleton<EmbeddingBatcher>();
        silo.AddStartupTask<ModelStartupTask>();
        return silo;
    }
}
