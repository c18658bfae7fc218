using FaceGrains.Grains.Interfaces;
using Orleans.Placement;
using Orleans.Runtime.Placement;

namespace FaceGrains.Grains;

/// <summary>
/// Where gallery shards live: shard s of every model version on the s-th silo (modulo the silo count) of the active
/// silos ordered by address, so the shards of a version spread evenly over the cluster whichever silo asks first (random
/// placement put all 16 on the silo that answered the first request of a starting cluster). Shards check their home
/// every <see cref="GalleryOptions.ShardRebalanceSeconds"/> and move there when silos have joined or left.
/// </summary>
[GenerateSerializer, Immutable, Alias("facegrains.shard-placement")]
public sealed class ShardPlacementStrategy : PlacementStrategy
{
    public static ShardPlacementStrategy Instance { get; } = new();
}

/// <summary>Places a grain by <see cref="ShardPlacementStrategy"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class ShardPlacementAttribute : PlacementAttribute
{
    public ShardPlacementAttribute()
        : base(ShardPlacementStrategy.Instance)
    {
    }
}

/// <summary>Picks the shard's home among the silos that can host it.</summary>
public sealed class ShardPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (_, shard) = GalleryPartitioning.ParseShardKey(target.GrainIdentity.Key.ToString()!);
        return Task.FromResult(HomeOf(shard, context.GetCompatibleSilos(target)));
    }

    /// <summary>The home of shard <paramref name="shard"/> among <paramref name="silos"/>: the (shard mod n)-th by address.</summary>
    public static SiloAddress HomeOf(int shard, IEnumerable<SiloAddress> silos)
    {
        var ordered = silos.OrderBy(s => s.ToParsableString(), StringComparer.Ordinal).ToArray();
        if (ordered.Length == 0)
        {
            throw new InvalidOperationException("No silo can host a gallery shard.");
        }

        return ordered[shard % ordered.Length];
    }
}
