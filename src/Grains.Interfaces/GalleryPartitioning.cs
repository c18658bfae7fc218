using System.Text;

namespace FaceGrains.Grains.Interfaces;

/// <summary>Which shard and directory partition an identity belongs to, and how shard grains are keyed.</summary>
public static class GalleryPartitioning
{
    /// <summary>
    /// Partitions of the identity directory. Fixed for ever (it decides where durable entries live), and independent
    /// of the shard count so that a partition stays small (about 100 entries per 100,000 identities) and cheap to rewrite.
    /// </summary>
    public const int DirectoryPartitions = 1024;

    private const uint FnvOffset = 2166136261;
    private const uint FnvPrime = 16777619;

    /// <summary>
    /// FNV-1a over the UTF-8 bytes of the id, modulo the shard count: stable across processes, machines and .NET
    /// versions (string.GetHashCode is randomised per process), so every silo agrees.
    /// </summary>
    public static int ShardOf(string identityId, int shardCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(shardCount);
        return (int)(StableHash(identityId) % (uint)shardCount);
    }

    /// <summary>The identity-directory partition of an identity (same hash, modulo <see cref="DirectoryPartitions"/>).</summary>
    public static int DirectoryPartitionOf(string identityId) => (int)(StableHash(identityId) % DirectoryPartitions);

    /// <summary>
    /// The directory partitions that can hold members of shard <paramref name="shard"/>: partition and shard are the
    /// same hash modulo 1024 and modulo the shard count, so they agree modulo g = gcd(1024, shard count), and only the
    /// partitions p with p ≡ shard (mod g) can list the shard's identities (all of them for an odd shard count).
    /// </summary>
    public static IEnumerable<int> DirectoryPartitionsOfShard(int shard, int shardCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(shardCount);
        ArgumentOutOfRangeException.ThrowIfNegative(shard);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(shard, shardCount);
        var g = (int)System.Numerics.BigInteger.GreatestCommonDivisor(DirectoryPartitions, shardCount);
        for (var p = shard % g; p < DirectoryPartitions; p += g)
        {
            yield return p;
        }
    }

    private static uint StableHash(string identityId)
    {
        ArgumentNullException.ThrowIfNull(identityId);
        var hash = FnvOffset;
        foreach (var b in Encoding.UTF8.GetBytes(identityId))
        {
            hash = (hash ^ b) * FnvPrime;
        }

        return hash;
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
