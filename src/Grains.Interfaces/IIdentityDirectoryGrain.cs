namespace FaceGrains.Grains.Interfaces;

/// <summary>
/// One partition of the list of identities (key: the partition number, the same stable hash as the shards), kept
/// durably and independent of model versions, so listings work and a shard of any version can be rebuilt.
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
}
