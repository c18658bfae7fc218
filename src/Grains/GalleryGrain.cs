using FaceGrains.Grains.Interfaces;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace FaceGrains.Grains;

/// <summary>Operator views of the whole gallery. A stateless worker: it only gathers from directory partitions and shards.</summary>
[StatelessWorker]
public sealed class GalleryGrain(ModelCatalog catalog, ModelRegistryCache registry, IOptions<GalleryOptions> options) : Grain, IGalleryGrain
{
    private readonly GalleryOptions options = options.Value;

    public async Task<IReadOnlyList<IdentitySummary>> ListIdentitiesAsync()
    {
        return await IdentityDirectory.ListAllAsync(GrainFactory);
    }

    public Task<IdentityPage> ListIdentitiesAsync(IdentityPageRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfLessThan(request.Limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(request.Limit, IdentityPageRequest.MaxLimit);
        return IdentityDirectory.ListPageAsync(GrainFactory, request);
    }

    public async Task<GalleryStats> GetStatsAsync()
    {
        var model = await catalog.GetAsync(await registry.ActiveAsync());
        var shards = await Task.WhenAll(Enumerable.Range(0, options.ShardCount)
            .Select(s => GrainFactory.GetGrain<IGalleryShardGrain>(GalleryPartitioning.ShardKey(model.Id, s)).GetStatsAsync()));
        var identities = shards.Sum(s => s.IdentityCount);
        var gallery = await GrainFactory.GetGrain<IGalleryCalibrationGrain>(model.Id).GetAsync();
        var threshold = ThresholdPolicy.ForIdentification(null, identities, options.DefaultTargetFpir, ThresholdPolicy.Calibrations.Of(model, gallery));
        return new GalleryStats(model.Id, identities, shards.Sum(s => s.Rows), shards, threshold);
    }
}
