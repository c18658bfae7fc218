namespace FaceGrains.Grains.Interfaces;

/// <summary>
/// The one source of truth for model versions (one per cluster: key 0): the versions known, the active one, the
/// candidate being migrated to, the previous one kept for rollback, the retired ones. Silos follow it; answers name the
/// version they were computed with. Not reentrant: one writer keeps every slot single-valued.
/// </summary>
[Alias("facegrains.IModelRegistryGrain")]
public interface IModelRegistryGrain : IGrainWithIntegerKey
{
    /// <summary>The registry now. Always interleaves: grains the registry waits on (an identity publishing) read it too.</summary>
    [Alias("Get")]
    [Orleans.Concurrency.AlwaysInterleave]
    Task<ModelRegistryView> GetAsync();

    /// <summary>Every version in the cluster's model store and registry, newest first, with its state and last gate.</summary>
    [Alias("List")]
    [Orleans.Concurrency.AlwaysInterleave]
    Task<ModelsOverview> ListAsync();

    /// <summary>Records a version; with <paramref name="activate"/>, it also becomes the active version when none is yet (a fresh cluster).</summary>
    [Alias("Register")]
    Task<ModelRegistryView> RegisterAsync(ModelVersionInfo version, bool activate);

    /// <summary>
    /// Starts a migration to <see cref="ActivateRequest.ModelVersion"/>: re-embed every identity in the background,
    /// gate, flip. A gallery without identities flips at once. Refused while another migration runs, for the active
    /// version, and for a retired one.
    /// </summary>
    [Alias("Activate")]
    Task<ModelRegistryView> ActivateAsync(ActivateRequest request);

    /// <summary>Flips back to the previous version at once (its shards are kept up to date until it is retired).</summary>
    [Alias("Rollback")]
    Task<ModelRegistryView> RollbackAsync();

    /// <summary>Drops a version's shards, embeddings and gallery calibration. Refused for the active version and a running candidate.</summary>
    [Alias("Retire")]
    Task<ModelRegistryView> RetireAsync(string modelVersion);

    /// <summary>Stops the running migration; the active version stays, the candidate's partial work is kept for a later try.</summary>
    [Alias("Cancel")]
    Task<ModelRegistryView> CancelMigrationAsync();

    /// <summary>The migration reports its progress and, at the end, its gate (called by the migration grain).</summary>
    [Alias("Report")]
    Task<ModelRegistryView> ReportMigrationAsync(MigrationStatus status, GateResult? gate);
}
