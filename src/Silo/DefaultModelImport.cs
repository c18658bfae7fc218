using FaceGrains.Recognition;
using FaceGrains.Recognition.Importers;
using FaceGrains.Recognition.Models;

namespace FaceGrains.Silo;

/// <summary>On a fresh machine the store is empty: import the face-api model once, before serving.</summary>
public sealed class DefaultModelImport(ModelStore store, FaceGrainsHome home, bool enabled, ILogger<DefaultModelImport> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!enabled)
        {
            return Task.CompletedTask;
        }

        // Silos of one cluster share the data directory: the first to start imports, the others wait and find it.
        using var gate = ExclusiveFile.Acquire(Path.Combine(home.Root, "model-import.lock"), TimeSpan.FromMinutes(10), cancellationToken);
        var version = FaceApiImporter.EnsureImported(store, home.CacheDirectory, message => logger.LogInformation("{Message}", message));
        logger.LogInformation("Default model {Name} {Id} in {Store}", version.Manifest.Name, version.ShortId, store.Root);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
