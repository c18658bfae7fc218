using FaceGrains.Recognition.Similarity;
using Xunit;

namespace FaceGrains.Recognition.Tests.Similarity;

/// <summary>The shard's matrix changed in place: its answers always equal a from-scratch computation over the live rows.</summary>
public sealed class ShardMatrixTests
{
    private const int Dim = 16;

    [Theory]
    [InlineData(ShardPrecision.Float32)]
    [InlineData(ShardPrecision.BFloat16)]
    [InlineData(ShardPrecision.Int8)]
    public void After_a_random_history_of_upserts_and_removals_every_identity_scores_its_best_row(ShardPrecision precision)
    {
        var random = new Random(7);
        var matrix = new ShardMatrix(Dim, precision);
        var reference = new Dictionary<string, float[]>();
        var given = new Dictionary<string, float[]>();
        for (var step = 0; step < 3000; step++)
        {
            var id = $"id-{random.Next(300)}";
            if (random.NextDouble() < 0.25)
            {
                given.Remove(id);
                Assert.Equal(reference.Remove(id), matrix.Remove(id));
            }
            else
            {
                var rows = Rows(random, random.NextDouble() < 0.7 ? 1 : random.Next(2, 5));
                var centered = matrix.Center.Length > 0;
                matrix.Upsert(id, rows);
                given[id] = rows;
                if (!centered && matrix.Center.Length > 0)
                {
                    // A compact matrix fixes its center at the mean of the rows it holds once it has enough of them,
                    // and rounds every row held as its difference from the center from then on.
                    Assert.Equal(precision, matrix.Precision);
                    Assert.True(matrix.RowCount >= ShardMatrix.CenterRows);
                    var all = given.Values.SelectMany(r => r.Chunk(Dim)).ToList();
                    Assert.Equal(matrix.RowCount, all.Count);
                    for (var d = 0; d < Dim; d++)
                    {
                        Assert.Equal(all.Average(r => r[d]), matrix.Center[d], 1e-5f);
                    }

                    foreach (var (held, heldRows) in given)
                    {
                        reference[held] = Rounded(heldRows, precision, matrix.Center);
                    }
                }

                reference[id] = Rounded(rows, precision, matrix.Center); // what the shard keeps: the scores must be exact on these
                Assert.Equal(reference[id], matrix.RowsOf(id));
            }

            if (step % 500 == 499)
            {
                AssertScoresMatch(matrix, reference, random);
            }
        }

        Assert.Equal(precision == ShardPrecision.Float32 ? 0 : Dim, matrix.Center.Length);
        Assert.Equal(reference.Count, matrix.IdentityCount);
        Assert.Equal(reference.Values.Sum(r => r.Length / Dim), matrix.RowCount);
        // Tombstones never pile up past a quarter of the buffer (plus the compaction's minimum batch).
        Assert.True(matrix.SlotCount - matrix.RowCount <= Math.Max(64, matrix.SlotCount / 4), $"{matrix.SlotCount} slots for {matrix.RowCount} rows");
        matrix.Compact();
        Assert.Equal(matrix.RowCount, matrix.SlotCount);
        AssertScoresMatch(matrix, reference, random);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(37)]
    [InlineData(1000)]
    public void With_one_row_per_identity_the_search_masks_tombstones_and_the_last_panels_unused_lanes(int size)
    {
        var random = new Random(size);
        var matrix = new ShardMatrix(Dim);
        var reference = new Dictionary<string, float[]>();
        for (var i = 0; i < size; i++)
        {
            reference[$"id-{i}"] = Rows(random, 1);
            matrix.Upsert($"id-{i}", reference[$"id-{i}"]);
        }

        foreach (var gone in reference.Keys.Where((_, i) => i % 3 == 1).ToList())
        {
            matrix.Remove(gone);
            reference.Remove(gone);
        }

        AssertScoresMatch(matrix, reference, random);
    }

    [Theory]
    [InlineData(ShardPrecision.Float32)]
    [InlineData(ShardPrecision.BFloat16)]
    [InlineData(ShardPrecision.Int8)]
    public void A_probe_scores_the_same_bits_alone_and_in_any_batch(ShardPrecision precision)
    {
        // 150 rows: 10 panels, so the compact batch path's four-panel blocks end with a partial one.
        var random = new Random(9);
        var matrix = new ShardMatrix(Dim, precision);
        for (var i = 0; i < 150; i++)
        {
            matrix.Upsert($"id-{i}", Rows(random, 1));
        }

        var probes = Rows(random, 7);
        var batch = matrix.ScoreIdentities(probes, 7).ToArray();
        var columns = matrix.IdentitySlots;
        for (var p = 0; p < 7; p++)
        {
            var alone = matrix.ScoreIdentities(probes.AsSpan(p * Dim, Dim), 1).ToArray();
            Assert.Equal(alone, batch.AsSpan(p * columns, columns).ToArray());
        }
    }

    [Fact]
    public void A_changed_row_is_rewritten_in_place_and_a_repeated_one_changes_nothing()
    {
        var random = new Random(3);
        var matrix = new ShardMatrix(Dim);
        for (var i = 0; i < 1000; i++)
        {
            matrix.Upsert($"id-{i}", Rows(random, 1));
        }

        var slots = matrix.SlotCount;
        var bytes = matrix.BufferBytes;
        var updated = Rows(random, 1);
        Assert.True(matrix.Upsert("id-500", updated));
        Assert.False(matrix.Upsert("id-500", updated));
        Assert.Equal(slots, matrix.SlotCount); // no tombstone, no append
        Assert.Equal(bytes, matrix.BufferBytes); // no new buffer
        var scores = matrix.ScoreIdentities(updated, 1);
        Assert.Equal(1f, scores[matrix.IndexOf("id-500")], 1e-4f);
    }

    [Fact]
    public void Growing_a_shard_copies_its_rows_a_logarithmic_number_of_times()
    {
        var random = new Random(11);
        var matrix = new ShardMatrix(Dim);
        var buffers = new HashSet<long>();
        for (var i = 0; i < 20_000; i++)
        {
            matrix.Upsert($"id-{i}", Rows(random, 1));
            buffers.Add(matrix.BufferBytes);
        }

        Assert.True(buffers.Count <= 12, $"{buffers.Count} buffer sizes for 20,000 rows");
    }

    [Fact]
    public void Removed_identities_free_their_index_for_the_next_one_and_never_score()
    {
        var random = new Random(5);
        var matrix = new ShardMatrix(Dim);
        matrix.Upsert("a", Rows(random, 1));
        matrix.Upsert("b", Rows(random, 2));
        var b = matrix.IndexOf("b");
        Assert.True(matrix.Remove("b"));
        Assert.False(matrix.Remove("b"));
        Assert.Null(matrix.IdAt(b));
        Assert.True(float.IsNegativeInfinity(matrix.ScoreIdentities(Rows(random, 1), 1)[b]));
        matrix.Upsert("c", Rows(random, 1));
        Assert.Equal(b, matrix.IndexOf("c"));
        Assert.Throws<ArgumentException>(() => matrix.Upsert("d", new float[Dim + 1]));
    }

    private static void AssertScoresMatch(ShardMatrix matrix, Dictionary<string, float[]> reference, Random random)
    {
        const int probes = 3;
        var probe = Rows(random, probes);
        var scores = matrix.ScoreIdentities(probe, probes).ToArray();
        var columns = matrix.IdentitySlots;
        for (var p = 0; p < probes; p++)
        {
            foreach (var (id, rows) in reference)
            {
                var best = Enumerable.Range(0, rows.Length / Dim)
                    .Max(r => VectorMath.Dot(probe.AsSpan(p * Dim, Dim), rows.AsSpan(r * Dim, Dim)));
                Assert.Equal(best, scores[(p * columns) + matrix.IndexOf(id)], 1e-4f);
            }

            var live = Enumerable.Range(0, columns).Count(i => matrix.IdAt(i) is not null);
            Assert.Equal(reference.Count, live);
        }

        // The search ranks identities by their best row, best first, whatever the layout and history.
        var top = matrix.Search(probe, probes, 5);
        for (var p = 0; p < probes; p++)
        {
            var expected = reference.Select(kv => (Id: kv.Key, Score: Enumerable.Range(0, kv.Value.Length / Dim)
                    .Max(r => VectorMath.Dot(probe.AsSpan(p * Dim, Dim), kv.Value.AsSpan(r * Dim, Dim)))))
                .OrderByDescending(e => e.Score).Take(Math.Min(5, reference.Count)).ToList();
            Assert.Equal(expected.Count, top[p].Length);
            for (var i = 0; i < expected.Count; i++)
            {
                Assert.Equal(expected[i].Score, top[p][i].Score, 1e-4f);
                Assert.Equal(expected[i].Score, Best(reference[top[p][i].Id], probe.AsSpan(p * Dim, Dim)), 1e-4f);
            }
        }
    }

    [Theory]
    [InlineData(ShardPrecision.BFloat16, 1.99, 0.004)] // 2× less a row, and the center's 512 bytes
    [InlineData(ShardPrecision.Int8, 3.8, 0.012)]
    public void Compact_rows_take_less_memory_and_score_close_to_float32(ShardPrecision precision, double smallerBy, double worstError)
    {
        const int dim = 128;
        var random = new Random(11);
        var exact = new ShardMatrix(dim);
        var compact = new ShardMatrix(dim, precision);
        var rows = new List<float[]>();
        for (var i = 0; i < 2000; i++)
        {
            var row = Enumerable.Range(0, dim).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
            var norm = MathF.Sqrt(VectorMath.Dot(row, row));
            rows.Add(row.Select(v => v / norm).ToArray());
            exact.Upsert($"id-{i}", rows[^1]);
            compact.Upsert($"id-{i}", rows[^1]);
        }

        Assert.True((double)exact.BufferBytes / compact.BufferBytes >= smallerBy, $"{exact.BufferBytes} / {compact.BufferBytes}");
        Assert.Equal((exact.BufferBytes / (4 * dim) * precision.BytesPerRow(dim)) + (4 * dim), compact.BufferBytes); // same capacity, fewer bytes a row, and the center
        var probes = rows.Take(8).SelectMany(r => r).ToArray();
        var a = exact.ScoreIdentities(probes, 8).ToArray();
        var b = compact.ScoreIdentities(probes, 8).ToArray();
        var worst = a.Zip(b, (x, y) => Math.Abs(x - y)).Max();
        Assert.InRange(worst, 1e-7, worstError); // rounded (not zero), and by at most this much
        // A repeated push of the same floats is no change, as in float32.
        Assert.False(compact.Upsert("id-3", rows[3]));
    }

    [Theory]
    [InlineData(ShardPrecision.BFloat16)]
    [InlineData(ShardPrecision.Int8)]
    public void Rows_sharing_a_common_part_are_rounded_as_differences_from_the_center_with_a_smaller_error(ShardPrecision precision)
    {
        // Face embeddings of one model share a large common part (with dlib even strangers' best scores reach cosine
        // 0.95); here every row is a common direction plus a shorter random part, normalised.
        const int dim = 128;
        var random = new Random(5);
        var common = Rows(random, 1, dim);
        var compact = new ShardMatrix(dim, precision);
        var rows = new List<float[]>();
        for (var i = 0; i < 1000; i++)
        {
            var own = Rows(random, 1, dim);
            var row = common.Zip(own, (c, o) => (0.9f * c) + (0.4f * o)).ToArray();
            var norm = MathF.Sqrt(VectorMath.Dot(row, row));
            rows.Add(row.Select(v => v / norm).ToArray());
            compact.Upsert($"id-{i}", rows[^1]);
        }

        var probes = rows.Skip(500).Take(16).ToArray();
        var scores = compact.ScoreIdentities(probes.SelectMany(p => p).ToArray(), probes.Length).ToArray();
        var centered = 0.0;
        var plain = 0.0;
        for (var p = 0; p < probes.Length; p++)
        {
            for (var i = 0; i < rows.Count; i++)
            {
                var exact = VectorMath.Dot(probes[p], rows[i]);
                centered = Math.Max(centered, Math.Abs(scores[(p * compact.IdentitySlots) + compact.IndexOf($"id-{i}")] - exact));
                // What rounding the row itself (no center) would give.
                var alone = Rounded(rows[i], precision, new float[dim], dim);
                plain = Math.Max(plain, Math.Abs(VectorMath.Dot(probes[p], alone) - exact));
            }
        }

        Assert.InRange(centered, 1e-7, plain / 2); // still rounded, but at most half the error of rounding the rows themselves
    }

    [Theory]
    [InlineData(ShardPrecision.BFloat16)]
    [InlineData(ShardPrecision.Int8)]
    public void A_matrix_given_the_center_and_rows_read_from_another_stores_the_same_bits(ShardPrecision precision)
    {
        // What a shard rebuilt from its snapshot does: the snapshot's center first, then the rows read back.
        var random = new Random(13);
        var first = new ShardMatrix(Dim, precision);
        for (var i = 0; i < 300; i++)
        {
            first.Upsert($"id-{i}", Rows(random, 1 + (i % 3)));
        }

        var second = new ShardMatrix(Dim, precision);
        second.FixCenter(first.Center);
        foreach (var id in first.Ids)
        {
            second.Upsert(id, first.RowsOf(id));
        }

        foreach (var id in first.Ids)
        {
            Assert.Equal(first.RowsOf(id), second.RowsOf(id));
            Assert.False(second.Upsert(id, first.RowsOf(id))); // nothing changes when pushed again
        }

        Assert.Equal(first.Center.ToArray(), second.Center.ToArray());
        Assert.Throws<InvalidOperationException>(() => second.FixCenter(first.Center));
        Assert.Throws<InvalidOperationException>(() => new ShardMatrix(Dim).FixCenter(first.Center));
        Assert.Throws<ArgumentException>(() => new ShardMatrix(Dim, precision).FixCenter(new float[Dim - 1]));
    }

    /// <summary>The rows as a compact matrix keeps them: exact until its center is fixed, then each row's difference from the center rounded.</summary>
    private static float[] Rounded(float[] rows, ShardPrecision precision, ReadOnlySpan<float> center, int dim = Dim)
    {
        var rounded = (float[])rows.Clone();
        if (center.Length == 0)
        {
            return rounded;
        }

        for (var r = 0; r < rows.Length / dim; r++)
        {
            var row = rounded.AsSpan(r * dim, dim);
            var difference = new float[dim];
            for (var d = 0; d < dim; d++)
            {
                difference[d] = row[d] - center[d];
            }

            if (precision == ShardPrecision.BFloat16)
            {
                for (var d = 0; d < dim; d++)
                {
                    row[d] = CompactPanelKernels.FromBFloat16(CompactPanelKernels.ToBFloat16(difference[d])) + center[d];
                }
            }
            else if (precision == ShardPrecision.Int8)
            {
                var q = new sbyte[dim];
                var scale = CompactPanelKernels.QuantizeInt8(difference, q);
                for (var d = 0; d < dim; d++)
                {
                    row[d] = (q[d] * scale) + center[d];
                }
            }
        }

        return rounded;
    }

    private static float Best(float[] rows, ReadOnlySpan<float> probe)
    {
        var best = float.NegativeInfinity;
        for (var r = 0; r < rows.Length / Dim; r++)
        {
            best = Math.Max(best, VectorMath.Dot(probe, rows.AsSpan(r * Dim, Dim)));
        }

        return best;
    }

    /// <summary>Random unit rows of <paramref name="dim"/>, one after the other.</summary>
    private static float[] Rows(Random random, int count, int dim = Dim)
    {
        var rows = new float[count * dim];
        for (var r = 0; r < count; r++)
        {
            var row = rows.AsSpan(r * dim, dim);
            for (var i = 0; i < dim; i++)
            {
                row[i] = (float)((random.NextDouble() * 2) - 1);
            }

            var norm = MathF.Sqrt(VectorMath.Dot(row, row));
            for (var i = 0; i < dim; i++)
            {
                row[i] /= norm;
            }
        }

        return rows;
    }
}
