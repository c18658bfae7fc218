using FaceGrains.Recognition;
using FaceGrains.Recognition.Detection;
using FaceGrains.Recognition.Embedding;
using FaceGrains.Recognition.Images;
using FaceGrains.Recognition.Importers;
using FaceGrains.Recognition.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FaceGrains.Grains;

/// <summary>
/// Loads the active model version from the local model store once per silo (importing the face-api model on first
/// start when no version is named), with its face preparer (detection and alignment as its recipe says), and hands it
/// to the grains. Loading starts with the silo and is awaited by the first grain that needs it.
/// </summary>
public sealed class ServingModel : IDisposable
{
    private readonly GalleryOptions options;
    private readonly ILogger<ServingModel> logger;
    private readonly Lazy<Task<LoadedModel>> loaded;

    public ServingModel(IOptions<GalleryOptions> options, ILogger<ServingModel> logger)
    {
        this.options = options.Value;
        this.logger = logger;
        loaded = new(() => Task.Run(Load));
    }

    public Task<LoadedModel> GetAsync() => loaded.Value;

    public void Dispose()
    {
        if (loaded.IsValueCreated && loaded.Value.IsCompletedSuccessfully)
        {
            loaded.Value.Result.Dispose();
        }
    }

    private LoadedModel Load()
    {
        var home = FaceGrainsHome.Resolve(options.Home);
        var store = new ModelStore(home.ModelsDirectory);
        void Log(string message) => logger.LogInformation("{Message}", message);
        var version = string.IsNullOrWhiteSpace(options.ActiveModel)
            ? FaceApiImporter.EnsureImported(store, home.CacheDirectory, Log)
            : store.Get(options.ActiveModel);
        var embedder = new FaceEmbedder(version, new EmbedderOptions
        {
            IntraOpNumThreads = options.EmbedderIntraOpThreads,
            MaxBatchSize = options.EmbedderMaxBatch,
        });
        FacePreparer preparer;
        try
        {
            preparer = FacePreparer.Open(version, home, options.EmbedderIntraOpThreads, Log);
        }
        catch
        {
            embedder.Dispose();
            throw;
        }

        var limits = new ImageLimits { MaxBytes = options.MaxImageBytes, MaxPixels = options.MaxImagePixels };
        var model = new LoadedModel(version, embedder, preparer, limits);
        logger.LogInformation("Serving model {Name} {Version}: {Recipe}", version.Manifest.Name, version.ShortId, version.Manifest.Preprocessing.Describe());
        if (model.CalibrationProblem is { } problem)
        {
            logger.LogError("The calibration stored with model {Version} is refused: {Problem}", version.ShortId, problem);
        }

        return model;
    }
}
