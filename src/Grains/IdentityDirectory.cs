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
}
