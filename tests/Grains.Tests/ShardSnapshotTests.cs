using FaceGrains.Recognition.Similarity;
using Xunit;

namespace FaceGrains.Grains.Tests;

/// <summary>The snapshot payload a shard writes: what it reads back is what it wrote, and a damaged one is refused.</summary>
public sealed class ShardSnapshotTests
{
    [Fact]
    public void A_payload_gives_back_every_identity_with_its_stamp_and_rows()
    {
        var (matrix, stamps) = Sample();
        var (dimension, center, rows) = ShardSnapshotStore.Deserialize(ShardSnapshotStore.Serialize(matrix, stamps));

        Assert.Equal(matrix.Dimension, dimension);
        Assert.Empty(center); // float32 rows are kept as they are
        Assert.Equal(matrix.Ids.Order(StringComparer.Ordinal), rows.Keys.Order(StringComparer.Ordinal));
        foreach (var id in matrix.Ids)
        {
            Assert.Equal(matrix.RowsOf(id), rows[id].Rows);
            Assert.Equal(stamps[id], rows[id].UpdatedUtc);
        }

        // Three rows for "ana" (every face), one for the others.
        Assert.Equal(3 * 4, rows["ana"].Rows.Length);
    }

    [Theory]
    [InlineData(ShardPrecision.BFloat16)]
    [InlineData(ShardPrecision.Int8)]
    public void A_compact_shards_center_travels_with_its_rows_so_a_rebuilt_shard_stores_the_same_bits(ShardPrecision precision)
    {
        var random = new Random(3);
        var matrix = new ShardMatrix(8, precision);
        var stamps = new Dictionary<string, DateTimeOffset>();
        for (var i = 0; i < 2 * ShardMatrix.CenterRows; i++)
        {
            matrix.Upsert($"id{i}", Enumerable.Range(0, 8).Select(_ => (float)random.NextDouble()).ToArray());
            stamps[$"id{i}"] = DateTimeOffset.UnixEpoch.AddDays(i);
        }

        var (dimension, center, rows) = ShardSnapshotStore.Deserialize(ShardSnapshotStore.Serialize(matrix, stamps));
        Assert.Equal(matrix.Center.ToArray(), center);

        // What GalleryShardGrain's rebuild does with it.
        var rebuilt = new ShardMatrix(dimension, precision);
        rebuilt.FixCenter(center);
        foreach (var (id, kept) in rows)
        {
            rebuilt.Upsert(id, kept.Rows);
        }

        Assert.All(matrix.Ids, id => Assert.Equal(matrix.RowsOf(id), rebuilt.RowsOf(id)));
    }

    [Fact]
    public void A_payload_of_format_1_without_a_center_is_still_read()
    {
        var (matrix, stamps) = Sample();
        var payload = ShardSnapshotStore.Serialize(matrix, stamps);
        // Format 1 was format 2 without the center's length (an int after the identity count) and values.
        var old = payload[..16].Concat(payload[20..]).ToArray();
        BitConverter.TryWriteBytes(old.AsSpan(4), 1);

        var (dimension, center, rows) = ShardSnapshotStore.Deserialize(old);
        Assert.Equal(4, dimension);
        Assert.Empty(center);
        Assert.Equal(matrix.RowsOf("ana"), rows["ana"].Rows);
    }

    [Fact]
    public void A_truncated_or_altered_payload_is_refused()
    {
        var (matrix, stamps) = Sample();
        var payload = ShardSnapshotStore.Serialize(matrix, stamps);

        Assert.Throws<InvalidDataException>(() => ShardSnapshotStore.Deserialize(payload[..^3]));
        Assert.Throws<InvalidDataException>(() => ShardSnapshotStore.Deserialize([.. payload, 0]));
        var foreign = (byte[])payload.Clone();
        foreign[0] ^= 1;
        Assert.Throws<InvalidDataException>(() => ShardSnapshotStore.Deserialize(foreign));
    }

    [Fact]
    public void Rows_read_from_the_matrix_are_the_rows_written_after_changes_and_compaction()
    {
        var matrix = new ShardMatrix(4);
        var random = new Random(7);
        var expected = new Dictionary<string, float[]>();
        for (var i = 0; i < 300; i++)
        {
            var id = $"id{random.Next(40)}";
            if (random.NextDouble() < 0.2)
            {
                matrix.Remove(id);
                expected.Remove(id);
                continue;
            }

            var rows = Enumerable.Range(0, 4 * (1 + random.Next(3))).Select(_ => (float)random.NextDouble()).ToArray();
            matrix.Upsert(id, rows);
            expected[id] = rows;
        }

        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), matrix.Ids.Order(StringComparer.Ordinal));
        Assert.All(expected, e => Assert.Equal(e.Value, matrix.RowsOf(e.Key)));
        Assert.Empty(matrix.RowsOf("nobody"));
    }

    private static (ShardMatrix Matrix, Dictionary<string, DateTimeOffset> Stamps) Sample()
    {
        var matrix = new ShardMatrix(4);
        matrix.Upsert("ana", [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0]);
        matrix.Upsert("bo", [0.5f, 0.5f, 0.5f, 0.5f]);
        matrix.Upsert("Zoë 山田", [0, 0, 0, 1]);
        var stamps = new Dictionary<string, DateTimeOffset>
        {
            ["ana"] = new DateTimeOffset(2026, 11, 28, 1, 2, 3, TimeSpan.Zero),
            ["bo"] = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(7),
            ["Zoë 山田"] = DateTimeOffset.UnixEpoch,
        };
        return (matrix, stamps);
    }
}
