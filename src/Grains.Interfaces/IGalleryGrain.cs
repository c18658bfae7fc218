namespace FaceGrains.Grains.Interfaces;

/// <summary>Gallery-wide views for operators (a stateless worker; key 0): listing identities and shard statistics.</summary>
[Alias("facegrains.IGalleryGrain")]
public interface IGalleryGrain : IGrainWithIntegerKey
{
    /// <summary>Every identity, ordered by id.</summary>
    [Alias("ListIdentities")]
    Task<IReadOnlyList<IdentitySummary>> ListIdentitiesAsync();

    /// <summary>One page of identities in id order (after the request's cursor, matching its search).</summary>
    [Alias("ListIdentitiesPage")]
    Task<IdentityPage> ListIdentitiesAsync(IdentityPageRequest request);

    /// <summary>Shard by shard statistics of the active model version and the default threshold at the current size.</summary>
    [Alias("GetStats")]
    Task<GalleryStats> GetStatsAsync();
}
