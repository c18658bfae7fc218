using FaceGrains.Grains.Interfaces;

namespace FaceGrains.Grains;

/// <summary>The whole identity directory: every partition read at once, in id order.</summary>
internal static class IdentityDirectory
{
    public static async Task<List<IdentitySummary>> ListAllAsync(IGrainFactory grains)
    {
        var partitions = await Task.WhenAll(Enumerable.Range(0, GalleryPartitioning.DirectoryPartitions)
            .Select(p => grains.GetGrain<IIdentityDirectoryGrain>(p).ListAsync()));
        return partitions.SelectMany(p => p).OrderBy(i => i.Id, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// One page: every partition's first <c>Limit + 1</c> after the cursor, merged in id order. Each partition sends at
    /// most a page, so a page costs one call per partition and never the whole directory.
    /// </summary>
    public static async Task<IdentityPage> ListPageAsync(IGrainFactory grains, IdentityPageRequest request)
    {
        var partitions = await Task.WhenAll(Enumerable.Range(0, GalleryPartitioning.DirectoryPartitions)
            .Select(p => grains.GetGrain<IIdentityDirectoryGrain>(p).ListPageAsync(request)));
        var merged = partitions.SelectMany(p => p).OrderBy(i => i.Id, StringComparer.Ordinal).Take(request.Limit + 1).ToList();
        var page = merged.Take(request.Limit).ToList();
        return new IdentityPage(page, merged.Count > request.Limit ? IdentityPageRequest.CursorOf(page[^1].Id) : null);
    }
}
