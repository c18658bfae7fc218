using System.Collections.Concurrent;
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
/// The model versions this silo has loaded (embedder session, face preparer, calibration), each on first use and
/// dropped when the version is retired. Which version answers queries is the registry's call
/// (<see cref="ModelRegistryCache"/>), never a setting of the silo.
/// </summary>
public sealed class ModelCatalog : IDisposable
{
    private readonly GalleryOptions options;
    private readonly ILogger<ModelCatalog> logger;
    private readonly ConcurrentDictionary<string, Lazy<Task<LoadedModel>>> loaded = new(StringComparer.Ordinal);

    public ModelCatalog(IOptions<GalleryOptions> options, ModelStore store, ILogger<ModelCatalog> logger)
    {
        this.options = options.Value;
        this.logger = logger;
        Home = FaceGrainsHome.Resolve(this.options.Home);
        Store = store;
    }

    public FaceGrainsHome Home { get; }

    /// <summary>The model store versions are loaded from (with the <c>azure</c> profile, a cache of the cluster's blob container).</summary>
    public ModelStore Store { get; }

    /// <summary>The version <paramref name="versionId"/>, loaded on this silo (once; a failed load is tried again next time).</summary>
    public Task<LoadedModel> GetAsync(string versionId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(versionId);
        var entry = loaded.GetOrAdd(versionId, id => new Lazy<Task<LoadedModel>>(() => Task.Run(() => Load(id))));
        var task = entry.Value;
        if (task.IsFaulted)
        {
            loaded.TryRemove(KeyValuePair.Create(versionId, entry));
        }

        return task;
    }

    /// <summary>The versions loaded here.</summary>
    public IReadOnlyList<string> LoadedVersions => loaded.Where(kv => kv.Value.IsValueCreated && kv.Value.Value.IsCompletedSuccessfully).Select(kv => kv.Key).ToList();

    /// <summary>Imports the default model (face-api.js's dlib ResNet) when the store lacks it: what a fresh cluster serves first.</summary>
    public ModelVersion EnsureDefaultImported() => FaceApiImporter.EnsureImported(Store, Home.CacheDirectory, Log);

    /// <summary>
    /// The version a new cluster starts with (<see cref="GalleryOptions.InitialModel"/>): empty, the default model; a name
    /// of the import catalogue (<c>faceapi-int8</c>, <c>faceres</c>, …), that model, imported when the store lacks it;
    /// otherwise a version id or unique prefix in the store.
    /// </summary>
    public ModelVersion ResolveInitial(string? setting)
    {
        if (string.IsNullOrWhiteSpace(setting))
        {
            return EnsureDefaultImported();
        }

        return ModelCatalogue.All.FirstOrDefault(m => m.IsNamed(setting)) is { } entry
            ? entry.EnsureImported(Store, Home.CacheDirectory, Log)
            : Store.Get(setting);
    }

    /// <summary>Import and preparer messages, into the silo's log.</summary>
    private void Log(string message) => logger.LogInformation("{Message}", message);

    /// <summary>Releases a version (it was retired); a later use loads it again.</summary>
    public void Unload(string versionId)
    {
        if (loaded.TryRemove(versionId, out var entry) && entry.IsValueCreated && entry.Value.IsCompletedSuccessfully)
        {
            // In-flight calls finish on the sessions first: dispose a little later.
            _ = Task.Delay(TimeSpan.FromSeconds(30)).ContinueWith(_ => entry.Value.Result.Dispose(), TaskScheduler.Default);
            logger.LogInformation("Unloaded model version {Version}", versionId);
        }
    }

    public void Dispose()
    {
        foreach (var entry in loaded.Values.Where(e => e.IsValueCreated && e.Value.IsCompletedSuccessfully))
        {
            entry.Value.Result.Dispose();
        }
    }

    private LoadedModel Load(string versionId)
    {
        var version = Store.Get(versionId);
        var embedder = new FaceEmbedder(version, new EmbedderOptions
        {
            IntraOpNumThreads = options.EmbedderIntraOpThreads,
            MaxBatchSize = options.EmbedderMaxBatch,
        });
        FacePreparer preparer;
        try
        {
            preparer = FacePreparer.Open(version, Home, options.EmbedderIntraOpThreads, Log,
                detectorPrecision: DetectorPrecisions.Parse(options.DetectorPrecision));
        }
        catch
        {
            embedder.Dispose();
            throw;
        }

        var model = new LoadedModel(version, embedder, preparer, new ImageLimits { MaxBytes = options.MaxImageBytes, MaxPixels = options.MaxImagePixels });
        logger.LogInformation("Loaded model {Name} {Version}: {Recipe}", version.Manifest.Name, version.ShortId, version.Manifest.Preprocessing.Describe());
        if (model.CalibrationProblem is { } problem)
        {
            logger.LogError("The calibration stored with model {Version} is refused: {Problem}", version.ShortId, problem);
        }

        return model;
    }
}
