using FaceGrains.Grains.Interfaces;
using FaceGrains.Recognition.Calibration;
using FaceGrains.Recognition.Models;
using Microsoft.Extensions.Logging;

namespace FaceGrains.Grains;

/// <summary>
/// The cluster's model versions and their slots (key 0). Not reentrant: one writer keeps "the active version"
/// single-valued, and a flip is one state write. The migration itself runs in <see cref="MigrationGrain"/>.
/// </summary>
public sealed class ModelRegistryGrain(
    [PersistentState("model-registry", GalleryStorage.ProviderName)] IPersistentState<ModelRegistryState> state,
    ModelCatalog catalog,
    ModelRegistryCache cache,
    ILogger<ModelRegistryGrain> logger) : Grain, IModelRegistryGrain
{
    private ModelRegistryState S => state.State;

    public Task<ModelRegistryView> GetAsync() => Task.FromResult(View());

    public Task<ModelsOverview> ListAsync()
    {
        var known = catalog.Store.List().Select(Info).ToList();
        known.AddRange(S.Versions.Where(v => known.All(k => k.Id != v.Id)));
        var view = View();
        var entries = known.OrderByDescending(v => v.CreatedUtc).ThenBy(v => v.Id, StringComparer.Ordinal)
            .Select(v => new ModelEntry(v.Id, v.Name, v.EmbeddingSize, v.Recipe, v.Calibrated, v.CreatedUtc, view.StateOf(v.Id), S.Gates.GetValueOrDefault(v.Id)))
            .ToList();
        return Task.FromResult(new ModelsOverview(entries, S.ActiveVersion, S.CandidateVersion, S.PreviousVersion, S.Migration, S.Generation));
    }

    public async Task<ModelRegistryView> RegisterAsync(ModelVersionInfo version, bool activate)
    {
        ArgumentNullException.ThrowIfNull(version);
        var changed = Upsert(version);
        if (activate && string.IsNullOrEmpty(S.ActiveVersion))
        {
            S.ActiveVersion = version.Id;
            S.ActivatedUtc = DateTimeOffset.UtcNow;
            changed = true;
            logger.LogInformation("Model version {Version} is active (first in the cluster)", version.ShortId);
        }

        return changed ? await SaveAsync() : View();
    }

    public async Task<ModelRegistryView> ActivateAsync(ActivateRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var id = ResolveId(request.ModelVersion);
        if (id == S.ActiveVersion)
        {
            throw new ArgumentException($"Model version {Short(id)} is the active version already.");
        }

        if (S.Migration is { Phase: MigrationPhase.Reembedding or MigrationPhase.Gating } running)
        {
            throw new InvalidOperationException($"A migration to {Short(running.To)} is running ({running.Done} of {running.Total} identities); wait for it, or cancel it first.");
        }

        if (string.IsNullOrEmpty(S.ActiveVersion))
        {
            throw new InvalidOperationException("The cluster has no active model version yet.");
        }

        if (S.RetiredVersions.Contains(id) && !await GrainFactory.GetGrain<IRetirementGrain>(id).IsDoneAsync())
        {
            throw new InvalidOperationException($"Model version {Short(id)} is still being retired; activate it again once its old data is gone.");
        }

        S.RetiredVersions.Remove(id);
        Upsert(Describe(id));
        S.CandidateVersion = id;
        S.Migration = new MigrationStatus(S.ActiveVersion, id, MigrationPhase.Reembedding, DateTimeOffset.UtcNow, null, 0, 0, 0, 0, [], 0, request.Force,
            $"migrating from {Short(S.ActiveVersion)} to {Short(id)}: starting");
        var view = await SaveAsync();
        await GrainFactory.GetGrain<IMigrationGrain>(id).StartAsync(S.ActiveVersion, request.Force, request.FolderActive, request.FolderCandidate);
        logger.LogInformation("Migration from {From} to {To} started (force {Force})", Short(S.ActiveVersion), Short(id), request.Force);
        return view;
    }

    public async Task<ModelRegistryView> RollbackAsync()
    {
        if (string.IsNullOrEmpty(S.PreviousVersion))
        {
            throw new InvalidOperationException("There is no previous version to roll back to (none was flipped from, or it was retired).");
        }

        if (S.Migration is { Phase: MigrationPhase.Reembedding or MigrationPhase.Gating })
        {
            throw new InvalidOperationException("A migration is running; cancel it before rolling back.");
        }

        (S.ActiveVersion, S.PreviousVersion) = (S.PreviousVersion, S.ActiveVersion);
        S.ActivatedUtc = DateTimeOffset.UtcNow;
        logger.LogWarning("Rolled back: {Active} is active again, {Previous} kept as previous", Short(S.ActiveVersion), Short(S.PreviousVersion));
        return await SaveAsync();
    }

    public async Task<ModelRegistryView> RetireAsync(string modelVersion)
    {
        var id = ResolveId(modelVersion);
        if (id == S.ActiveVersion)
        {
            throw new ArgumentException($"Model version {Short(id)} is active: it cannot be retired (activate another one first).");
        }

        if (id == S.CandidateVersion && S.Migration is { Phase: MigrationPhase.Reembedding or MigrationPhase.Gating })
        {
            throw new ArgumentException($"Model version {Short(id)} is being migrated to: cancel the migration first.");
        }

        if (id == S.CandidateVersion)
        {
            S.CandidateVersion = null;
        }

        if (id == S.PreviousVersion)
        {
            S.PreviousVersion = null;
        }

        if (!S.RetiredVersions.Contains(id))
        {
            S.RetiredVersions.Add(id);
        }

        S.Gates.Remove(id);
        var view = await SaveAsync();

        // Its derived data goes: the shards' rows, every identity's embeddings under it, the gallery's calibration of it.
        await GrainFactory.GetGrain<IMigrationGrain>(id).CancelAsync();
        await GrainFactory.GetGrain<IRetirementGrain>(id).StartAsync();
        logger.LogInformation("Model version {Version} retired", Short(id));
        return view;
    }

    public async Task<ModelRegistryView> CancelMigrationAsync()
    {
        if (S.Migration is not { Phase: MigrationPhase.Reembedding or MigrationPhase.Gating } running)
        {
            throw new InvalidOperationException("No migration is running.");
        }

        await GrainFactory.GetGrain<IMigrationGrain>(running.To).CancelAsync();
        S.Migration = running with { Phase = MigrationPhase.Failed, FinishedUtc = DateTimeOffset.UtcNow, Message = "cancelled; the active version is unchanged" };
        S.CandidateVersion = null;
        return await SaveAsync();
    }

    public async Task<ModelRegistryView> ReportMigrationAsync(MigrationStatus status, GateResult? gate)
    {
        ArgumentNullException.ThrowIfNull(status);
        if (S.Migration is null || S.Migration.To != status.To || S.CandidateVersion != status.To || S.Migration.Phase is not (MigrationPhase.Reembedding or MigrationPhase.Gating))
        {
            return View(); // a report from a migration that was cancelled or superseded
        }

        if (gate is not null)
        {
            S.Gates[status.To] = gate;
        }

        if (status.Phase == MigrationPhase.Flipped)
        {
            if (gate is null || !(gate.Passed || gate.Forced))
            {
                throw new InvalidOperationException("A flip needs a gate that passed or was forced.");
            }

            // The flip: one state write makes the candidate active and keeps the old one for rollback.
            S.PreviousVersion = S.ActiveVersion;
            S.ActiveVersion = status.To;
            S.ActivatedUtc = DateTimeOffset.UtcNow;
            S.CandidateVersion = null;
            logger.LogWarning("Flipped: {Active} is active, {Previous} kept for rollback", Short(S.ActiveVersion), Short(S.PreviousVersion));
        }
        else if (status.Phase is MigrationPhase.Refused or MigrationPhase.Failed)
        {
            S.CandidateVersion = null;
            logger.LogWarning("Migration to {To} stopped: {Message}", Short(status.To), status.Message);
        }

        S.Migration = status;
        return await SaveAsync();
    }

    private async Task<ModelRegistryView> SaveAsync()
    {
        S.Generation++;
        await state.WriteStateAsync();
        var view = View();
        cache.Observe(view);
        return view;
    }

    private bool Upsert(ModelVersionInfo version)
    {
        var index = S.Versions.FindIndex(v => v.Id == version.Id);
        if (index >= 0 && S.Versions[index] == version)
        {
            return false;
        }

        if (index >= 0)
        {
            S.Versions[index] = version;
        }
        else
        {
            S.Versions.Add(version);
        }

        return true;
    }

    /// <summary>A version id, or a unique prefix of one, as the cluster's model store knows it.</summary>
    private string ResolveId(string idOrPrefix)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(idOrPrefix);
        try
        {
            return catalog.Store.Get(idOrPrefix).Id;
        }
        catch (ModelNotFoundException e)
        {
            throw new ArgumentException(e.Message, e);
        }
    }

    /// <summary>What the cluster knows of a version in its model store.</summary>
    private ModelVersionInfo Describe(string id) => Info(catalog.Store.Get(id));

    public static ModelVersionInfo Info(ModelVersion version)
    {
        ArgumentNullException.ThrowIfNull(version);
        var manifest = version.Manifest;
        return new ModelVersionInfo(version.Id, manifest.Name, manifest.EmbeddingSize, File.Exists(ImpostorTail.PathFor(version)),
            new Dictionary<string, double>(manifest.Thresholds), manifest.CreatedUtc, manifest.Preprocessing.Describe());
    }

    private ModelRegistryView View() => new(
        S.Versions.ToList(), S.ActiveVersion, S.ActivatedUtc, S.CandidateVersion, S.PreviousVersion, S.RetiredVersions.ToList(), S.Migration, S.Generation,
        new Dictionary<string, GateResult>(S.Gates));

    private static string Short(string? id) => id is { Length: > 12 } ? id[..12] : id ?? "";
}
