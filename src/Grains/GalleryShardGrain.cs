using System.Diagnostics;
using FaceGrains.Grains.Interfaces;
using FaceGrains.Recognition.Calibration;
using FaceGrains.Recognition.Similarity;
using Microsoft.Extensions.Options;
using Orleans.Placement;

namespace FaceGrains.Grains;

/// <summary>
/// One partition of the gallery index of one model version: a contiguous row-major matrix of centroids (or of every
/// face embedding), scanned with the SIMD kernels. Derived data, never persisted: on activation it is rebuilt from the
/// identities its directory partitions list. Not reentrant: upserts mutate the matrix that searches read, and a
/// search is one single-threaded scan anyway. Randomly placed, so the shards spread memory and CPU over the cluster.
/// </summary>
[RandomPlacement]
public sealed class GalleryShardGrain(IOptions<GalleryOptions> options, GalleryMetrics metrics) : Grain, IGalleryShardGrain
{
    /// <summary>How many identities are asked for their rows at once while rebuilding.</summary>
    private const int RebuildConcurrency = 64;

    /// <summary>Faces scored per scan when the gallery measures its impostor scores.</summary>
    private const int ImpostorFacesPerScan = 32;

    private readonly GalleryOptions options = options.Value;
    private readonly Dictionary<string, float[]> rowsById = new(StringComparer.Ordinal);
    private string modelVersion = "";
    private int shard;
    private int dimension;
    private int rowCount;

    // The search matrix, rebuilt from rowsById after changes: identity i owns rows [rowStart[i], rowStart[i + 1]).
    private bool dirty = true;
    private string[] ids = [];
    private int[] rowStart = [0];
    private float[] matrix = [];

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (modelVersion, shard) = GalleryPartitioning.ParseShardKey(this.GetPrimaryKeyString());
        await RebuildAsync(cancellationToken);
        ReportSize();
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
        if (rowsById.Remove(identityId, out var rows))
        {
            dirty = true;
            rowCount -= rows.Length / dimension;
            ReportSize();
        }

        return Task.CompletedTask;
    }

    public Task<ShardSearchResult> SearchAsync(ProbeBatch probes, int k)
    {
        ArgumentNullException.ThrowIfNull(probes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        EnsureMatrix();
        var identities = ids.Length;
        if (identities == 0 || probes.Count == 0)
        {
            return Task.FromResult(new ShardSearchResult(Enumerable.Range(0, probes.Count).Select(_ => (IReadOnlyList<Candidate>)[]).ToList(), identities));
        }

        if (probes.Dimension != dimension)
        {
            throw new ArgumentException($"Probes have {probes.Dimension} dimensions; shard {this.GetPrimaryKeyString()} holds {dimension}.", nameof(probes));
        }

        var clock = Stopwatch.StartNew();
        var perIdentity = ScoreIdentities(probes);
        var top = TopK.SelectBatch(perIdentity, probes.Count, k);
        var candidates = top.Select(list => (IReadOnlyList<Candidate>)list.Select(c => new Candidate(ids[c.Index], c.Score)).ToList()).ToList();
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

        EnsureMatrix();
        var identities = ids.Length;
        if (identities == 0 || faces.Count == 0)
        {
            return Task.FromResult(ImpostorHistogram.Empty with { Identities = identities });
        }

        if (faces.Dimension != dimension)
        {
            throw new ArgumentException($"Faces have {faces.Dimension} dimensions; shard {this.GetPrimaryKeyString()} holds {dimension}.", nameof(faces));
        }

        // A few faces at a time, so the score buffer stays small whatever the shard's size.
        var counts = new long[ImpostorCalibration.BinCount];
        var tops = new float[faces.Count];
        long total = 0;
        for (var start = 0; start < faces.Count; start += ImpostorFacesPerScan)
        {
            var count = Math.Min(ImpostorFacesPerScan, faces.Count - start);
            var scores = ScoreIdentities(new ProbeBatch(faces.Embeddings.AsSpan(start * dimension, count * dimension).ToArray(), count, dimension));
            for (var p = 0; p < count; p++)
            {
                var own = Array.BinarySearch(ids, owners[start + p], StringComparer.Ordinal);
                var top = float.NegativeInfinity;
                for (var i = 0; i < identities; i++)
                {
                    if (i != own)
                    {
                        var score = scores[(p * identities) + i];
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
        rowsById.Clear();
        rowCount = 0;
        ReportSize();
        dirty = true;
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public Task<ShardStats> GetStatsAsync()
    {
        EnsureMatrix();
        return Task.FromResult(new ShardStats(modelVersion, shard, ids.Length, rowStart[^1], dimension, RuntimeIdentity));
    }

    /// <summary>Probes × identities scores: an identity scores as its best row (one row per identity when only centroids are kept).</summary>
    private float[] ScoreIdentities(ProbeBatch probes)
    {
        var identities = ids.Length;
        var rows = rowStart[^1];
        var scores = new float[probes.Count * rows];
        SimilarityKernels.ScoreBatch(probes.Embeddings, probes.Count, matrix, dimension, scores);
        if (rows == identities)
        {
            return scores;
        }

        var perIdentity = new float[probes.Count * identities];
        for (var p = 0; p < probes.Count; p++)
        {
            for (var i = 0; i < identities; i++)
            {
                var best = float.NegativeInfinity;
                for (var r = rowStart[i]; r < rowStart[i + 1]; r++)
                {
                    best = Math.Max(best, scores[(p * rows) + r]);
                }

                perIdentity[(p * identities) + i] = best;
            }
        }

        return perIdentity;
    }

    private void Add(IdentityCentroid entry)
    {
        if (entry.ModelVersion != modelVersion)
        {
            throw new ArgumentException($"Entry of model version {entry.ModelVersion} sent to a shard of {modelVersion}.", nameof(entry));
        }

        var dim = entry.Centroid.Length;
        if (dimension == 0)
        {
            dimension = dim;
        }
        else if (dim != dimension)
        {
            throw new ArgumentException($"Centroid of '{entry.IdentityId}' has {dim} dimensions; this shard holds {dimension}.", nameof(entry));
        }

        var faces = options.StoreAllFaceEmbeddings && entry.FaceCount > 0 && entry.FaceEmbeddings.Length == entry.FaceCount * dim;
        var rows = faces ? entry.FaceEmbeddings : entry.Centroid;
        if (rowsById.TryGetValue(entry.IdentityId, out var known) && known.AsSpan().SequenceEqual(rows))
        {
            return; // a repeated push (a retried enrolment) leaves the matrix as it is
        }

        rowCount += (rows.Length - (known?.Length ?? 0)) / dim;
        rowsById[entry.IdentityId] = rows;
        dirty = true;
    }

    private void ReportSize() => metrics.ShardResized(this.GetPrimaryKeyString(), modelVersion, shard, rowCount);

    /// <summary>Asks every identity listed for this shard in the directory for its rows of this model version.</summary>
    private async Task RebuildAsync(CancellationToken cancellationToken)
    {
        var members = new List<string>();
        var partitions = Enumerable.Range(0, GalleryPartitioning.DirectoryPartitions)
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

    private void EnsureMatrix()
    {
        if (!dirty)
        {
            return;
        }

        ids = rowsById.Keys.Order(StringComparer.Ordinal).ToArray();
        rowStart = new int[ids.Length + 1];
        var total = 0;
        for (var i = 0; i < ids.Length; i++)
        {
            rowStart[i] = total;
            total += rowsById[ids[i]].Length;
        }

        rowStart[ids.Length] = dimension == 0 ? 0 : total / dimension;
        for (var i = 0; i < ids.Length; i++)
        {
            rowStart[i] /= Math.Max(dimension, 1);
        }

        matrix = new float[total];
        var at = 0;
        foreach (var id in ids)
        {
            rowsById[id].CopyTo(matrix, at);
            at += rowsById[id].Length;
        }

        dirty = false;
    }
}
