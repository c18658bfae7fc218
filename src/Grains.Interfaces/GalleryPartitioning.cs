using System.Text;

namespace FaceGrains.Grains.Interfaces;

/// <summary>Which shard (and directory partition) an identity belongs to, and how shard grains are keyed.</summary>
public static class GalleryPartitioning
{
    private const uint FnvOffset = 2166136261;
    private const uint FnvPrime = 16777619;

    /// <summary>
    /// FNV-1a over the UTF-8 bytes of the id, modulo the shard count: stable across processes, machines and .NET
    /// versions (string.GetHashCode is randomised per process), so every silo agrees.
    /// </summary>
    public static int ShardOf(string identityId, int shardCount)
    {
        ArgumentNullException.ThrowIfNull(identityId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(shardCount);
        var hash = FnvOffset;
        foreach (var b in Encoding.UTF8.GetBytes(identityId))
        {
            hash = (hash ^ b) * FnvPrime;
        }

        return (int)(hash % (uint)shardCount);
    }

    /// <summary>The key of shard <paramref name="shard"/> of a model version: <c>{modelVersion}/{shard}</c>.</summary>
    public static string ShardKey(string modelVersion, int shard) => $"{modelVersion}/{shard}";

    /// <summary>Splits a shard key back into model version and shard number.</summary>
    public static (string ModelVersion, int Shard) ParseShardKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var slash = key.LastIndexOf('/');
        if (slash <= 0 || !int.TryParse(key.AsSpan(slash + 1), out var shard) || shard < 0)
        {
            throw new ArgumentException($"'{key}' is not a shard key (expected '<model version>/<shard>').", nameof(key));
        }

        return (key[..slash], shard);
    }
}
