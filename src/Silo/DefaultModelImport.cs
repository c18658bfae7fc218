using System.ComponentModel;
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

        ModelVersion version;
        try
        {
            // Silos of one cluster share the data directory: the first to start imports, the others wait and find it.
            using var gate = ExclusiveFile.Acquire(Path.Combine(home.Root, "model-import.lock"), TimeSpan.FromMinutes(10), cancellationToken);
            version = FaceApiImporter.EnsureImported(store, home.CacheDirectory, message => logger.LogInformation("{Message}", message));
        }
        catch (Exception e) when (Explain(e, store.Root) is { } failure)
        {
            throw failure;
        }

        logger.LogInformation("Default model {Name} {Id} in {Store}", version.Manifest.Name, version.ShortId, store.Root);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// A failed import of the default model as one line for the operator, or null when the failure is not one the
    /// operator fixes (a bug keeps its stack trace). The grains import the same model when they start and fail alike.
    /// </summary>
    public static SiloStartupException? Explain(Exception e, string modelsDirectory) => e switch
    {
        // NpmPackage could not start the npm process.
        InvalidOperationException { InnerException: Win32Exception } => new SiloStartupException(
            $"the default model is imported from npm ({FaceApiImporter.PackageSpec}), but npm is not on PATH: install it (Debian: apt-get install npm) " +
            $"or import the model elsewhere and copy {modelsDirectory}", e),

        // npm pack failed (no network, no such version), the package failed its integrity check, the store is not
        // writable, or another silo held the import lock for ten minutes.
        InvalidOperationException or InvalidDataException or IOException or UnauthorizedAccessException => new SiloStartupException(
            $"the default model ({FaceApiImporter.PackageSpec}) could not be imported: {OneLine(e.Message).TrimEnd('.')}. " +
            $"Retry, or import the model elsewhere and copy {modelsDirectory}", e),

        _ => null,
    };

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
