namespace FaceGrains.Grains.Interfaces;

/// <summary>
/// Drops a retired model version's derived data (key: the version id): every identity's embeddings and centroid under
/// it, its shards' rows, the gallery's calibration of it. A directory partition at a time with the cursor persisted,
/// so a killed silo or a restarted cluster finishes the job.
/// </summary>
[Alias("facegrains.IRetirementGrain")]
public interface IRetirementGrain : IGrainWithStringKey
{
    /// <summary>Starts dropping (again from the first partition); returns at once.</summary>
    [Alias("Start")]
    Task StartAsync();

    /// <summary>Continues a retirement that was running when its silo went away (every silo's watchdog calls it).</summary>
    [Alias("EnsureRunning")]
    Task EnsureRunningAsync();

    /// <summary>True once every trace of the version is gone.</summary>
    [Alias("IsDone")]
    Task<bool> IsDoneAsync();
}
