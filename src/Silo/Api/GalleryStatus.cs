using FaceGrains.Grains;
using FaceGrains.Grains.Interfaces;

namespace FaceGrains.Silo.Api;

/// <summary>
/// What the silo serves and at which operating point: the cluster's active model version and its recipe, the default identification
/// threshold at the gallery's current size with its source, and anything refused (a calibration of another recipe).
/// The start-up banner and <c>GET /health</c> both read it here.
/// </summary>
public sealed class GalleryStatus(IGrainFactory grains, ModelCatalog catalog, ModelRegistryCache registry, SiloOptions options)
{
    public sealed record Status(
        string State,
        string Profile,
        string ModelVersion,
        string ModelName,
        string Recipe,
        OperatingPoint Identify,
        IReadOnlyList<string> Problems,
        MigrationStatus? Migration);

    /// <summary>The default identification operating point now.</summary>
    public sealed record OperatingPoint(
        double? TargetFpir,
        int GallerySize,
        double Threshold,
        ThresholdSource Source,
        long? ImpostorScores,
        string? Calibration,
        string Reason);

    public async Task<Status> GetAsync(CancellationToken cancellationToken = default)
    {
        var view = await registry.CurrentAsync().WaitAsync(cancellationToken);
        var model = await catalog.GetAsync(await registry.ActiveAsync()).WaitAsync(cancellationToken);
        var stats = await grains.GetGrain<IGalleryGrain>(0).GetStatsAsync().WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        var t = stats.DefaultThreshold;
        var problems = model.CalibrationProblem is { } problem ? new[] { $"calibration refused: {problem}" } : [];
        return new Status(
            problems.Length == 0 ? "ok" : "degraded",
            options.Profile.ToString().ToLowerInvariant(),
            model.Id,
            model.Version.Manifest.Name,
            model.Version.Manifest.Preprocessing.Describe(),
            new OperatingPoint(t.TargetFpir, t.GallerySize, t.Threshold, t.Source, t.ImpostorScores, t.Calibration, t.Reason),
            problems,
            view.Migration is { Phase: MigrationPhase.Reembedding or MigrationPhase.Gating } ? view.Migration : null);
    }
}
