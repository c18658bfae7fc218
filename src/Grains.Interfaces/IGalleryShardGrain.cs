namespace FaceGrains.Grains.Interfaces;

/// <summary>
/// One partition of the gallery index for one model version (key: <see cref="GalleryPartitioning.ShardKey"/>):
/// a contiguous matrix of centroids (or of every face embedding) of the identities hashed to it.
/// Derived data: rebuilt from the identity grains listed in its directory partition when it activates.
/// </summary>
[Alias("facegrains.IGalleryShardGrain")]
public interface IGalleryShardGrain : IGrainWithStringKey
{
    /// <summary>Adds or replaces one identity's rows.</summary>
    [Alias("Upsert")]
    Task UpsertAsync(IdentityCentroid entry);

    /// <summary>Removes one identity's rows (no-op when absent).</summary>
    [Alias("Remove")]
    Task RemoveAsync(string identityId);

    /// <summary>Top-<paramref name="k"/> identities per probe, best first (score of an identity = max over its rows).</summary>
    [Alias("Search")]
    Task<ShardSearchResult> SearchAsync(ProbeBatch probes, int k);

    [Alias("GetStats")]
    Task<ShardStats> GetStatsAsync();

    /// <summary>Drops every row and deactivates (the version was retired).</summary>
    [Alias("Clear")]
    Task ClearAsync();

    /// <summary>
    /// Scores each face against every identity of this shard except its own (<paramref name="owners"/>[i] owns face i):
    /// the gallery's impostor scores, as a histogram, and each face's best of them.
    /// </summary>
    [Alias("ScoreImpostors")]
    Task<ImpostorHistogram> ScoreImpostorsAsync(ProbeBatch faces, IReadOnlyList<string> owners);
}
