using System.Diagnostics;
using FaceGrains.Grains.Interfaces;
using FaceGrains.Recognition.Calibration;
using FaceGrains.Recognition.Similarity;
using Microsoft.Extensions.Options;

namespace FaceGrains.Grains;

/// <summary>
/// One partition of the gallery index of one model version: a <see cref="ShardMatrix"/> of centroids (or of every face
/// embedding), changed in place and scanned with the SIMD kernels. Derived data, never persisted: on activation it is
/// rebuilt from the identities its own directory partitions list. Kept alive (not collected when idle), so a quiet
/// gallery does not pay for a rebuild at its next identify. Not reentrant: upserts mutate the matrix that searches read,
/// and a search is one single-threaded scan anyway. Placed by <see cref="ShardPlacementDirector"/> (shard s on the s-th
/// silo), so the shards spread memory and CPU over the cluster, and moved there again when silos join or leave.
/// </summary>
[ShardPlacement]
[KeepAlive]
public sealed class GalleryShardGrain(IOptions<GalleryOptions> options, GalleryMetrics metrics, IClusterMembershipService membership) : Grain, IGalleryShardGrain
{
    /// <summary>How many identities are asked for their rows at once while rebuilding.</summary>
    private const int RebuildConcurrency = 64;

    /// <summary>Faces scored per scan when the gallery measures its impostor scores.</summary>
    private const int ImpostorFacesPerScan = 32;

    private readonly GalleryOptions options = options.Value;
    private string modelVersion = "";
    private int shard;
    private ShardMatrix? matrix; // created by the first row, which fixes the dimension

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (modelVersion, shard) = GalleryPartitioning.ParseShardKey(this.GetPrimaryKeyString());
        await RebuildAsync(cancellationToken);
        ReportSize();
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

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        metrics.ShardDeactivated(this.GetPrimaryKeyString());
        return Task.CompletedTask;
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
        if (matrix?.Remove(identityId) == true)
        {
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

    public Task ClearAsync()
    {
        matrix?.Clear();
        ReportSize();
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public Task<ShardStats> GetStatsAsync()
    {
        return Task.FromResult(new ShardStats(modelVersion, shard, matrix?.IdentityCount ?? 0, matrix?.RowCount ?? 0, matrix?.Dimension ?? 0, RuntimeIdentity));
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
        matrix ??= new ShardMatrix(dim);
        if (dim != matrix.Dimension)
        {
            throw new ArgumentException($"Centroid of '{entry.IdentityId}' has {dim} dimensions; this shard holds {matrix.Dimension}.", nameof(entry));
        }

        var faces = options.StoreAllFaceEmbeddings && entry.FaceCount > 0 && entry.FaceEmbeddings.Length == entry.FaceCount * dim;
        // A repeated push (a retried enrolment) leaves the matrix as it is.
        matrix.Upsert(entry.IdentityId, faces ? entry.FaceEmbeddings : entry.Centroid);
    }

    /// <summary>
    /// Asks every identity listed for this shard in the directory for its rows of this model version. The directory
    /// partition and the shard come from one hash (modulo 1024 and modulo the shard count), so only the partitions
    /// congruent to this shard modulo gcd(1024, shard count) can list its members: with a power-of-two shard count,
    /// 1024 / shard count partitions.
    /// </summary>
    private async Task RebuildAsync(CancellationToken cancellationToken)
    {
        var members = new List<string>();
        var partitions = GalleryPartitioning.DirectoryPartitionsOfShard(shard, options.ShardCount)
            .Select(p => GrainFactory.GetGrain<IIdentityDirectoryGrain>(p).ListAsync());
        foreach (var list in await Task.WhenAll(partitions))
        {
            members.AddRange(list.Select(s => s.Id).Where(id => GalleryPartitioning.ShardOf(id, options.ShardCount) == shard));
        }

        foreach (var chunk in members.Chunk(RebuildConcurrency))
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
    }
}
