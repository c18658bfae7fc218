using FaceGrains.Grains.Interfaces;
using Xunit;

namespace FaceGrains.Grains.Interfaces.Tests;

/// <summary>A shard rebuilding itself reads only the directory partitions that can list its members.</summary>
public sealed class GalleryPartitioningTests
{
    [Theory]
    [InlineData(1, 1024)]
    [InlineData(16, 64)]
    [InlineData(3, 1024)]
    [InlineData(24, 128)]
    [InlineData(1024, 1)]
    [InlineData(1000, 128)]
    public void Every_identity_lies_in_a_partition_its_shard_reads(int shardCount, int partitionsPerShard)
    {
        var random = new Random(shardCount);
        for (var i = 0; i < 20_000; i++)
        {
            var id = $"person-{random.Next()}-{i}";
            var shard = GalleryPartitioning.ShardOf(id, shardCount);
            var read = GalleryPartitioning.DirectoryPartitionsOfShard(shard, shardCount).ToList();
            Assert.Equal(partitionsPerShard, read.Count);
            Assert.Contains(GalleryPartitioning.DirectoryPartitionOf(id), read);
        }
    }
}
