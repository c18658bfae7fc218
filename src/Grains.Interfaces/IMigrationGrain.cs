namespace FaceGrains.Grains.Interfaces;

/// <summary>
/// Re-embeds the gallery into a candidate model version (key: the candidate's id): every identity from its stored face
/// images, a directory partition at a time, the cursor persisted so a killed silo or a restarted cluster continues where
/// it was; then the gate; then it reports to the registry, which flips.
/// </summary>
[Alias("facegrains.IMigrationGrain")]
public interface IMigrationGrain : IGrainWithStringKey
{
    /// <summary>Starts (or continues) migrating from <paramref name="from"/>; returns at once, the work runs in the background.</summary>
    [Alias("Start")]
    Task StartAsync(string from, bool force, GateFigures? folderActive, GateFigures? folderCandidate);

    /// <summary>Continues a migration that was running when its silo went away (called by every silo's watchdog).</summary>
    [Alias("EnsureRunning")]
    Task EnsureRunningAsync();

    [Alias("Cancel")]
    Task CancelAsync();

    [Alias("GetStatus")]
    Task<MigrationStatus?> GetStatusAsync();
}
