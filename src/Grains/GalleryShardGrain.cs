using System.Diagnostics;
using FaceGrains.Grains.Interfaces;
using FaceGrains.Recognition.Calibration;
using FaceGrains.Recognition.Similarity;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FaceGrains.Grains;

/// <summary>
/// One partition of the gallery index of one model version: a <see cref="ShardMatrix"/> of centroids (or of every face
/// embedding), changed in place and scanned with the SIMD kernels. Derived data: the identity grains own the rows; the
/// shard keeps a snapshot of them (<see cref="ShardSnapshotStore"/>, every <see cref="GalleryOptions.ShardSnapshotSeconds"/>
/// when changed, and at deactivation) with each identity's stamp. On activation it lists the identities its own
/// directory partitions hold, takes the snapshot's rows of those whose stamp the directory still shows, and asks only
/// the others (new or changed since, or all when there is no usable snapshot) for theirs. Kept alive (not collected when idle), so a quiet
/// gallery does not pay for a rebuild at its next identify. Not reentrant: upserts mutate the matrix that searches read,
/// and a search is one single-threaded scan anyway. Placed by <see cref="ShardPlacementDirector"/> (shard s on the s-th
/// silo), so the shards spread memory and CPU over the cluster, and moved there again when silos join or leave.
/// </summary>
[ShardPlacement]
[KeepAlive]
public sealed class GalleryShardGrain(IOptions<GalleryOptions> options, GalleryMetrics metrics, IClusterMembershipService membership, ShardSnapshotStore snapshots, ILogger<GalleryShardGrain> logger) : Grain, IGalleryShardGrain
{
    /// <summary>How many identities are asked for their rows at once while rebuilding.</summary>
    private const int RebuildConcurrency = 64;

    /// <summary>Faces scored per scan when the gallery measures its impostor scores.</summary>
    private const int ImpostorFacesPerScan = 32;

    private readonly GalleryOptions options = options.Value;
    private string modelVersion = "";
    private int shard;
    private ShardMatrix? matrix; // created by the first row, which fixes the dimension
    private readonly Dictionary<string, DateTimeOffset> stamps = new(StringComparer.Ordinal); // each identity's UpdatedUtc as its rows carry it
    private int changes; // since the last snapshot taken
    private Task? saving; // the snapshot being written, if any

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (modelVersion, shard) = GalleryPartitioning.ParseShardKey(this.GetPrimaryKeyString());
        await RebuildAsync(cancellationToken);
        ReportSize();
        if (options.ShardSnapshotSeconds > 0)
        {
            // Interleaved: the rows are copied out in one turn, and searches go on while the copy is written.
            var period = TimeSpan.FromSeconds(options.ShardSnapshotSeconds);
            this.RegisterGrainTimer(SnapshotIfChanged, new GrainTimerCreationOptions(period, period) { Interleave = true });
        }

        if (options.ShardRebalanceSeconds > 0)
        {
            var period = TimeSpan.FromSeconds(options.ShardRebalanceSeconds);
            this.RegisterGrainTimer(MoveHomeIfAway, new GrainTimerCreationOptions(period, period));
        }
    }

    /// <summary>After silos joined or left, the shard's home may be another silo: it moves there (and rebuilds on arrival).</summary>
    private Task MoveHomeIfAway(CancellationToken cancellationToken)
    {
        var active = membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress).ToList();
        if (active.Count > 0 && !ShardPlacementDirector.HomeOf(shard, active).Equals(GrainContext.Address.SiloAddress))
        {
            this.MigrateOnIdle();
        }

        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        metrics.ShardDeactivated(this.GetPrimaryKeyString());
        if (saving is { } pending)
        {
            await pending;
        }

        if (options.ShardSnapshotSeconds > 0)
        {
            await SnapshotIfChanged(cancellationToken);
        }
    }

    /// <summary>Writes a snapshot when the rows changed since the last one; a failed write is logged and retried at the next tick.</summary>
    private Task SnapshotIfChanged(CancellationToken cancellationToken)
    {
        if (changes == 0 || saving is not null || matrix is null)
        {
            return Task.CompletedTask;
        }

        var taken = DateTimeOffset.UtcNow;
        var payload = ShardSnapshotStore.Serialize(matrix, stamps);
        var count = changes;
        changes = 0;
        var save = SaveAsync(payload, count, taken);

        // A save that finished synchronously has already run its finally (saving = null): keeping the completed task
        // would block every later snapshot.
        saving = save.IsCompleted ? null : save;
        return save;
    }

    private async Task SaveAsync(byte[] payload, int count, DateTimeOffset taken)
    {
        try
        {
            await snapshots.SaveAsync(this.GetPrimaryKeyString(), payload, matrix?.IdentityCount ?? 0, taken);
            metrics.ShardSnapshotWritten(payload.Length);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            changes += count;
            logger.LogWarning(e, "Shard {Shard}: writing its snapshot failed; retrying at the next tick.", this.GetPrimaryKeyString());
        }
        finally
        {
            saving = null;
        }
    }

    public Task UpsertAsync(IdentityCentroid entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        Add(entry);
        ReportSize();
        return Task.CompletedTask;
    }

    public Task RemoveAsync(string identityId)
    {
        stamps.Remove(identityId);
        if (matrix?.Remove(identityId) == true)
        {
            changes++;
            ReportSize();
        }

        return Task.CompletedTask;
    }

    public Task<ShardSearchResult> SearchAsync(ProbeBatch probes, int k)
    {
        ArgumentNullException.ThrowIfNull(probes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        var identities = matrix?.IdentityCount ?? 0;
        if (matrix is null || identities == 0 || probes.Count == 0)
        {
            return Task.FromResult(new ShardSearchResult(Enumerable.Range(0, probes.Count).Select(_ => (IReadOnlyList<Candidate>)[]).ToList(), identities));
        }

        CheckDimension(probes, nameof(probes));
        var clock = Stopwatch.StartNew();
        var candidates = matrix.Search(probes.Embeddings, probes.Count, k)
            .Select(top => (IReadOnlyList<Candidate>)top.Select(c => new Candidate(c.Id, c.Score)).ToList()).ToList();
        metrics.ShardSearched(clock.Elapsed);
        return Task.FromResult(new ShardSearchResult(candidates, identities));
    }

    public Task<ImpostorHistogram> ScoreImpostorsAsync(ProbeBatch faces, IReadOnlyList<string> owners)
    {
        ArgumentNullException.ThrowIfNull(faces);
        ArgumentNullException.ThrowIfNull(owners);
        if (owners.Count != faces.Count)
        {
            throw new ArgumentException($"{owners.Count} owners for {faces.Count} faces.", nameof(owners));
        }

        var identities = matrix?.IdentityCount ?? 0;
        if (matrix is null || identities == 0 || faces.Count == 0)
        {
            return Task.FromResult(ImpostorHistogram.Empty with { Identities = identities });
        }

        CheckDimension(faces, nameof(faces));

        // A few faces at a time, so the score buffer stays small whatever the shard's size.
        var dimension = matrix.Dimension;
        var counts = new long[ImpostorCalibration.BinCount];
        var tops = new float[faces.Count]; // each face's best impostor score: the drift signal's reference
        long total = 0;
        for (var start = 0; start < faces.Count; start += ImpostorFacesPerScan)
        {
            var count = Math.Min(ImpostorFacesPerScan, faces.Count - start);
            var scores = matrix.ScoreIdentities(faces.Embeddings.AsSpan(start * dimension, count * dimension), count);
            var columns = matrix.IdentitySlots;
            for (var p = 0; p < count; p++)
            {
                var own = matrix.IndexOf(owners[start + p]);
                var top = float.NegativeInfinity;
                for (var i = 0; i < columns; i++)
                {
                    if (i != own && matrix.IdAt(i) is not null)
                    {
                        var score = scores[(p * columns) + i];
                        counts[ImpostorCalibration.BinOf(score)]++;
                        top = Math.Max(top, score);
                        total++;
                    }
                }

                tops[start + p] = top;
            }
        }

        var bins = Enumerable.Range(0, counts.Length).Where(b => counts[b] > 0).ToArray();
        return Task.FromResult(new ImpostorHistogram(bins, bins.Select(b => counts[b]).ToArray(), total, identities, tops));
    }

    public async Task ClearAsync()
    {
        matrix?.Clear();
        stamps.Clear();
        changes = 0;
        ReportSize();
        if (saving is { } pending)
        {
            await pending;
        }

        await snapshots.DeleteAsync(this.GetPrimaryKeyString());
        DeactivateOnIdle();
    }

    public Task<ShardStats> GetStatsAsync()
    {
        return Task.FromResult(new ShardStats(modelVersion, shard, matrix?.IdentityCount ?? 0, matrix?.RowCount ?? 0, matrix?.Dimension ?? 0, RuntimeIdentity));
    }

    /// <summary>
    /// An empty matrix of the configured precision; a compact one takes the center its snapshot was rounded around
    /// (when the snapshot has one), so the snapshot's rows are stored again exactly as they were.
    /// </summary>
    private ShardMatrix NewMatrix(int dimension, float[]? center = null)
    {
        var made = new ShardMatrix(dimension, ShardPrecisions.Parse(options.ShardPrecision));
        if (made.Precision != ShardPrecision.Float32 && center is { Length: > 0 }) // a snapshot's center has the snapshot's dimension (checked as it is read)
        {
            made.FixCenter(center);
        }

        return made;
    }

    private void ReportSize() => metrics.ShardResized(this.GetPrimaryKeyString(), modelVersion, shard, matrix?.RowCount ?? 0);

    private void CheckDimension(ProbeBatch batch, string name)
    {
        if (batch.Dimension != matrix!.Dimension)
        {
            throw new ArgumentException($"{name} have {batch.Dimension} dimensions; shard {this.GetPrimaryKeyString()} holds {matrix.Dimension}.", name);
        }
    }

    private void Add(IdentityCentroid entry)
    {
        if (entry.ModelVersion != modelVersion)
        {
            throw new ArgumentException($"Entry of model version {entry.ModelVersion} sent to a shard of {modelVersion}.", nameof(entry));
        }

        var dim = entry.Centroid.Length;
        matrix ??= NewMatrix(dim);
        if (dim != matrix.Dimension)
        {
            throw new ArgumentException($"Centroid of '{entry.IdentityId}' has {dim} dimensions; this shard holds {matrix.Dimension}.", nameof(entry));
        }

        var faces = options.StoreAllFaceEmbeddings && entry.FaceCount > 0 && entry.FaceEmbeddings.Length == entry.FaceCount * dim;
        // A repeated push (a retried enrolment) leaves the matrix as it is.
        var changed = matrix.Upsert(entry.IdentityId, faces ? entry.FaceEmbeddings : entry.Centroid);
        if (changed || !stamps.TryGetValue(entry.IdentityId, out var stamp) || stamp != entry.UpdatedUtc)
        {
            stamps[entry.IdentityId] = entry.UpdatedUtc;
            changes++;
        }
    }

    /// <summary>
    /// Lists the identities of this shard in the directory: the directory partition and the shard come from one hash
    /// (modulo 1024 and modulo the shard count), so only the partitions congruent to this shard modulo gcd(1024, shard
    /// count) can list its members (with a power-of-two shard count, 1024 / shard count partitions). Members whose stamp
    /// the snapshot holds too take their rows from it; the others are asked (their grains activated) for theirs.
    /// </summary>
    private async Task RebuildAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var key = this.GetPrimaryKeyString();
        var snapshot = options.ShardSnapshotSeconds > 0 ? await LoadSnapshotAsync(key) : null;
        var members = new List<IdentitySummary>();
        var partitions = GalleryPartitioning.DirectoryPartitionsOfShard(shard, options.ShardCount)
            .Select(p => GrainFactory.GetGrain<IIdentityDirectoryGrain>(p).ListAsync());
        foreach (var list in await Task.WhenAll(partitions))
        {
            members.AddRange(list.Where(s => GalleryPartitioning.ShardOf(s.Id, options.ShardCount) == shard));
        }

        var ask = new List<string>();
        var fromSnapshot = 0;
        foreach (var member in members)
        {
            if (snapshot is not null && snapshot.Rows.TryGetValue(member.Id, out var kept) && kept.UpdatedUtc == member.UpdatedUtc)
            {
                matrix ??= NewMatrix(snapshot.Dimension, snapshot.Center);
                matrix.Upsert(member.Id, kept.Rows);
                stamps[member.Id] = kept.UpdatedUtc;
                fromSnapshot++;
            }
            else
            {
                ask.Add(member.Id);
            }
        }

        foreach (var chunk in ask.Chunk(RebuildConcurrency))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var entries = await Task.WhenAll(chunk.Select(id => GrainFactory.GetGrain<IIdentityGrain>(id).GetCentroidAsync(modelVersion)));
            foreach (var entry in entries)
            {
                if (entry is not null)
                {
                    Add(entry);
                }
            }
        }

        // What the snapshot held that is gone (forgotten identities) or was asked again is not a change worth a new
        // snapshot by itself; rows asked for are.
        changes = snapshot is null ? matrix?.IdentityCount ?? 0 : ask.Count;
        metrics.ShardRebuilt(fromSnapshot, ask.Count, clock.Elapsed);
        if (ask.Count > 0 || snapshot is not null)
        {
            logger.LogInformation("Shard {Shard}: {FromSnapshot} identities from its snapshot, {Asked} asked for their rows, in {Seconds:F2} s.", key, fromSnapshot, ask.Count, clock.Elapsed.TotalSeconds);
        }
    }

    private async Task<ShardSnapshot?> LoadSnapshotAsync(string key)
    {
        try
        {
            return await snapshots.LoadAsync(key);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Storage trouble costs a slower start (every member asked), never a wrong one.
            logger.LogWarning(e, "Shard {Shard}: reading its snapshot failed; asking every member identity for its rows.", key);
            return null;
        }
    }
}
