namespace FaceGrains.Grains.Interfaces;

/// <summary>
/// One partition of the list of identities (key: <see cref="GalleryPartitioning.DirectoryPartitionOf"/>), kept durably
/// and independent of model versions and shard count, so listings work and a shard of any version can be rebuilt.
/// </summary>
[Alias("facegrains.IIdentityDirectoryGrain")]
public interface IIdentityDirectoryGrain : IGrainWithIntegerKey
{
    [Alias("Upsert")]
    Task UpsertAsync(IdentitySummary identity);

    [Alias("Remove")]
    Task RemoveAsync(string identityId);

    [Alias("List")]
    Task<IReadOnlyList<IdentitySummary>> ListAsync();

    /// <summary>This partition's first identities of a listing page: at most <c>Limit + 1</c> (so the caller knows whether more follow), in id order.</summary>
    [Alias("ListPage")]
    Task<IReadOnlyList<IdentitySummary>> ListPageAsync(IdentityPageRequest request);
}
