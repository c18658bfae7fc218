using FaceGrains.Grains.Interfaces;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FaceGrains.Grains;

/// <summary>
/// Every silo, every few seconds, follows the registry: loads the active and candidate versions here ahead of their
/// first query, unloads retired ones, and pokes the running migration and any unfinished retirement, which restarts
/// them on a live silo after the one running them died (their cursors are persisted).
/// </summary>
public sealed class MigrationWatchdog(IGrainFactory grains, ModelRegistryCache registry, ModelCatalog catalog, ILogger<MigrationWatchdog> logger) : BackgroundService
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(5);

    private readonly HashSet<string> retirementsDone = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await TickAsync();
            }
            catch (Exception e) when (e is TimeoutException or OrleansException or InvalidOperationException)
            {
                // The silo is starting or stopping, or a silo of the cluster just died: next tick.
                logger.LogDebug(e, "Watchdog tick skipped");
            }
        }
    }

    private async Task TickAsync()
    {
        var view = await registry.CurrentAsync();
        foreach (var version in new[] { view.ActiveVersion, view.CandidateVersion }.Where(v => !string.IsNullOrEmpty(v)))
        {
            _ = catalog.GetAsync(version!); // load ahead of the first query; a failure is reported by the migration
        }

        if (view.Migration is { Phase: MigrationPhase.Reembedding or MigrationPhase.Gating } running)
        {
            await grains.GetGrain<IMigrationGrain>(running.To).EnsureRunningAsync();
        }

        foreach (var retired in view.RetiredVersions ?? [])
        {
            catalog.Unload(retired);
            if (!retirementsDone.Contains(retired))
            {
                var grain = grains.GetGrain<IRetirementGrain>(retired);
                await grain.EnsureRunningAsync();
                if (await grain.IsDoneAsync())
                {
                    retirementsDone.Add(retired);
                }
            }
        }

        retirementsDone.IntersectWith(view.RetiredVersions ?? []);
    }
}
