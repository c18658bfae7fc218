using System.Numerics.Tensors;

namespace FaceGrains.Recognition.Similarity;

/// <summary>
/// A gallery shard's rows, changed in place: each identity owns one row (its centroid) or several (every face
/// embedding), kept in one contiguous buffer in the panel layout of <see cref="PanelKernels"/> (16 rows per panel,
/// dimension-major inside), which the SIMD kernels scan without horizontal sums. A change rewrites the identity's rows where
/// they are when their number is unchanged; otherwise the old rows become tombstones and the new ones are appended.
/// Tombstones are dropped by compaction once they are a quarter of the buffer, so no single change copies the matrix
/// and the amortised cost of a change is a constant number of row copies. Score buffers are kept between searches.
/// Not thread-safe: one writer or one search at a time (a shard grain is not reentrant). With a compact
/// <see cref="ShardPrecision"/> the rows are kept as bfloat16 or int8 (<see cref="CompactPanelKernels"/>) and read back
/// rounded (an int8 scan rounds the probe too, far finer: <see cref="CompactPanelKernels.ProbeLevels"/>). What is
/// rounded is each row's difference from the shard's <see cref="Center"/> (a probe scores p·center + p·difference):
/// face embeddings share a large common part, so the differences are shorter than the rows and their rounding error is
/// smaller. The center is the mean of the first <see cref="CenterRows"/> rows (kept float32 until then), or given
/// (<see cref="FixCenter"/>, e.g. from a snapshot, so a rebuilt shard rounds its rows exactly as before).
/// </summary>
public sealed class ShardMatrix(int dimension, ShardPrecision precision = ShardPrecision.Float32)
{
    private const int MinCompactTombstones = 64;

    /// <summary>
    /// Rows a compact matrix keeps in float32 before it fixes its center at their mean and rounds them: enough to find
    /// the common part (the mean of n rows misses the true one by about 1/√n of their spread, which lengthens the
    /// differences by about 1 % at 64); a shard with fewer rows stays exact, and its memory is small anyway.
    /// </summary>
    public const int CenterRows = 64;

    private readonly Dictionary<string, int> indexById = new(StringComparer.Ordinal);
    private readonly List<string?> names = [];
    private readonly List<int[]> slotsOf = [];
    private readonly Stack<int> freeIndices = new();
    private float[] data = []; // float32 panels
    private ushort[] halves = []; // bfloat16 panels
    private sbyte[] bytes = []; // int8 panels
    private float[] scales = []; // int8: each slot's scale
    private sbyte[] quantScratch = [];
    private float[] compareScratch = [];
    private float[] residualScratch = [];
    private float[]? center; // compact precisions: what stored rows are differences from; null until fixed (rows float32 until then)
    private int[] ownerOf = []; // slot → identity index, -1 for a tombstone
    private int slots;
    private float[] rowScores = [];
    private float[] identityScores = [];
    private float[] rowScratch = [];
    private float[] probeOffsets = [];

    public int Dimension { get; } = dimension > 0 && (precision != ShardPrecision.Int8 || dimension <= CompactPanelKernels.MaxInt8Dimension)
        ? dimension
        : throw new ArgumentOutOfRangeException(nameof(dimension), dimension, precision == ShardPrecision.Int8
            ? $"An int8 shard's rows have 1 to {CompactPanelKernels.MaxInt8Dimension} dimensions."
            : "A shard's rows have at least one dimension.");

    public ShardPrecision Precision { get; } = precision;

    /// <summary>The vector a compact matrix's stored rows are differences from; empty while not fixed (and always for float32).</summary>
    public ReadOnlySpan<float> Center => center;

    /// <summary>How rows are stored now: float32 until a compact matrix's center is fixed.</summary>
    private ShardPrecision Storage => center is null ? ShardPrecision.Float32 : Precision;

    public int IdentityCount => indexById.Count;

    /// <summary>Live rows (identities' rows, not tombstones).</summary>
    public int RowCount { get; private set; }

    /// <summary>Rows in the buffer, tombstones included (what a scan reads).</summary>
    public int SlotCount => slots;

    /// <summary>Size of the identity index space (<see cref="IdAt"/>); indices of removed identities are reused.</summary>
    public int IdentitySlots => names.Count;

    /// <summary>Bytes of row storage held, capacity included.</summary>
    public long BufferBytes => ((long)data.Length * sizeof(float)) + ((long)halves.Length * sizeof(ushort)) + bytes.Length + ((long)scales.Length * sizeof(float)) + ((center?.Length ?? 0) * sizeof(float));

    /// <summary>The identity at an index of <see cref="ScoreIdentities"/>' columns, or null for a free index.</summary>
    public string? IdAt(int index) => names[index];

    /// <summary>The identity's index, or -1.</summary>
    public int IndexOf(string id) => indexById.TryGetValue(id, out var index) ? index : -1;

    /// <summary>The identities held, in no particular order.</summary>
    public IEnumerable<string> Ids => indexById.Keys;

    /// <summary>The identity's rows (row after row), or an empty array when it is not here.</summary>
    public float[] RowsOf(string id)
    {
        if (!indexById.TryGetValue(id, out var index))
        {
            return [];
        }

        var own = slotsOf[index];
        var rows = new float[own.Length * Dimension];
        for (var r = 0; r < own.Length; r++)
        {
            ReadSlot(own[r], rows.AsSpan(r * Dimension, Dimension));
        }

        return rows;
    }

    /// <summary>Adds or replaces the identity's rows (a whole number of rows of <see cref="Dimension"/>); false when they are already exactly these.</summary>
    public bool Upsert(string id, ReadOnlySpan<float> rows)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (rows.Length == 0 || rows.Length % Dimension != 0)
        {
            throw new ArgumentException($"{rows.Length} values are not whole rows of {Dimension}.", nameof(rows));
        }

        var count = rows.Length / Dimension;
        if (indexById.TryGetValue(id, out var index))
        {
            var own = slotsOf[index];
            if (own.Length == count)
            {
                var same = true;
                for (var r = 0; r < count && same; r++)
                {
                    same = Row(own[r]).SequenceEqual(Stored(rows.Slice(r * Dimension, Dimension)));
                }

                if (same)
                {
                    return false;
                }

                for (var r = 0; r < count; r++)
                {
                    WriteSlot(own[r], rows.Slice(r * Dimension, Dimension));
                }

                return true;
            }

            Bury(own);
        }
        else
        {
            index = freeIndices.Count > 0 ? freeIndices.Pop() : names.Count;
            if (index == names.Count)
            {
                names.Add(id);
                slotsOf.Add([]);
            }
            else
            {
                names[index] = id;
            }

            indexById[id] = index;
        }

        Reserve(slots + count);
        var placed = new int[count];
        for (var r = 0; r < count; r++)
        {
            placed[r] = slots;
            WriteSlot(slots, rows.Slice(r * Dimension, Dimension));
            ownerOf[slots++] = index;
        }

        slotsOf[index] = placed;
        RowCount += count;
        CompactIfWorthIt();
        if (Precision != ShardPrecision.Float32 && center is null && RowCount >= CenterRows)
        {
            FixCenter(MeanOfRows());
        }

        return true;
    }

    /// <summary>
    /// Fixes a compact matrix's center (once) and rounds the rows held so far as differences from it. A rebuilt shard
    /// passes its snapshot's center before adding the snapshot's rows, which are then stored exactly as before.
    /// </summary>
    public void FixCenter(ReadOnlySpan<float> values)
    {
        if (Precision == ShardPrecision.Float32)
        {
            throw new InvalidOperationException("A float32 matrix stores its rows as they are: it has no center.");
        }

        if (center is not null)
        {
            throw new InvalidOperationException("The center is fixed already.");
        }

        if (values.Length != Dimension)
        {
            throw new ArgumentException($"A center of {values.Length} values is not one row of {Dimension}.", nameof(values));
        }

        foreach (var v in values)
        {
            if (!float.IsFinite(v))
            {
                throw new ArgumentException("The center has a value that is not finite.", nameof(values));
            }
        }

        var rows = data;
        center = values.ToArray();
        data = [];
        ResizeStorage(ownerOf.Length);
        var row = Buffer(ref rowScratch, Dimension);
        for (var slot = 0; slot < slots; slot++)
        {
            if (ownerOf[slot] >= 0)
            {
                PanelKernels.ReadRow(rows, Dimension, slot, row);
                WriteSlot(slot, row);
            }
        }
    }

    /// <summary>The mean of the live rows (an unnormalised average: the common part the rows are differences from).</summary>
    private float[] MeanOfRows()
    {
        var mean = new float[Dimension];
        var row = Buffer(ref rowScratch, Dimension);
        for (var slot = 0; slot < slots; slot++)
        {
            if (ownerOf[slot] >= 0)
            {
                ReadSlot(slot, row);
                TensorPrimitives.Add(mean, row, mean);
            }
        }

        TensorPrimitives.Divide(mean, RowCount, mean);
        return mean;
    }

    /// <summary>Removes the identity's rows; false when it is not here.</summary>
    public bool Remove(string id)
    {
        if (!indexById.Remove(id, out var index))
        {
            return false;
        }

        Bury(slotsOf[index]);
        slotsOf[index] = [];
        names[index] = null;
        freeIndices.Push(index);
        CompactIfWorthIt();
        return true;
    }

    /// <summary>Removes everything (buffers are released).</summary>
    public void Clear()
    {
        indexById.Clear();
        names.Clear();
        slotsOf.Clear();
        freeIndices.Clear();
        data = [];
        halves = [];
        bytes = [];
        scales = [];
        center = null;
        ownerOf = [];
        rowScores = [];
        identityScores = [];
        rowScratch = [];
        slots = 0;
        RowCount = 0;
    }

    /// <summary>
    /// The best <paramref name="k"/> identities of each probe (an identity scores as its best row), best first; ties
    /// by lower row. With one row per identity the rows' scores are ranked directly (tombstones and the last panel's
    /// unused lanes masked); otherwise each identity's best row is taken first.
    /// </summary>
    public (string Id, float Score)[][] Search(ReadOnlySpan<float> probes, int probeCount, int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        if (RowCount != IdentityCount)
        {
            var perIdentity = ScoreIdentities(probes, probeCount);
            return TopK.SelectBatch(perIdentity, probeCount, Math.Min(k, IdentitySlots))
                .Select(top => top.Where(c => names[c.Index] is not null).Select(c => (names[c.Index]!, c.Score)).ToArray()).ToArray();
        }

        var scores = ScoreRows(probes, probeCount, out var stride);
        if (stride > slots || RowCount != slots)
        {
            for (var p = 0; p < probeCount; p++)
            {
                var row = scores.Slice(p * stride, stride);
                row[slots..].Fill(float.NegativeInfinity);
                if (RowCount != slots)
                {
                    for (var s = 0; s < slots; s++)
                    {
                        if (ownerOf[s] < 0)
                        {
                            row[s] = float.NegativeInfinity;
                        }
                    }
                }
            }
        }

        return TopK.SelectBatch(scores, probeCount, Math.Min(k, Math.Max(1, RowCount)))
            .Select(top => top.Where(c => c.Index < slots && ownerOf[c.Index] >= 0).Select(c => (names[ownerOf[c.Index]]!, c.Score)).ToArray()).ToArray();
    }

    /// <summary>
    /// Probes × identity slots: an identity scores as its best row; a free index scores negative infinity. The span is
    /// this matrix's reused buffer, valid until the next call.
    /// </summary>
    public ReadOnlySpan<float> ScoreIdentities(ReadOnlySpan<float> probes, int probeCount)
    {
        var columns = names.Count;
        var scores = ScoreRows(probes, probeCount, out var stride);
        var perIdentity = Buffer(ref identityScores, probeCount * columns);
        perIdentity.Fill(float.NegativeInfinity);
        for (var p = 0; p < probeCount; p++)
        {
            var row = scores.Slice(p * stride, slots);
            var best = perIdentity.Slice(p * columns, columns);
            for (var s = 0; s < row.Length; s++)
            {
                var owner = ownerOf[s];
                if (owner >= 0 && !(row[s] <= best[owner]))
                {
                    best[owner] = row[s];
                }
            }
        }

        return perIdentity;
    }

    /// <summary>Probes × rows (padded to whole panels: <paramref name="stride"/> per probe), in the reused buffer.</summary>
    private Span<float> ScoreRows(ReadOnlySpan<float> probes, int probeCount, out int stride)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(probeCount);
        if (probes.Length != probeCount * Dimension)
        {
            throw new ArgumentException($"{probes.Length} values are not {probeCount} probes of {Dimension}.", nameof(probes));
        }

        var panels = (slots + PanelKernels.Lanes - 1) / PanelKernels.Lanes;
        stride = panels * PanelKernels.Lanes;
        var scores = Buffer(ref rowScores, probeCount * stride);
        if (Storage == ShardPrecision.Float32)
        {
            PanelKernels.Score(probes, probeCount, data, panels, Dimension, scores);
            return scores;
        }

        // The stored rows are differences from the center: each probe's score against the center is added to them.
        var common = Buffer(ref probeOffsets, probeCount);
        for (var p = 0; p < probeCount; p++)
        {
            common[p] = VectorMath.Dot(probes.Slice(p * Dimension, Dimension), center);
        }

        if (Storage == ShardPrecision.BFloat16)
        {
            CompactPanelKernels.ScoreBFloat16(probes, probeCount, halves, panels, Dimension, scores, common);
        }
        else
        {
            CompactPanelKernels.ScoreInt8(probes, probeCount, bytes, scales, panels, Dimension, scores, common);
        }

        return scores;
    }

    /// <summary>Drops tombstones now: live rows move down in order.</summary>
    public void Compact()
    {
        var to = 0;
        for (var from = 0; from < slots; from++)
        {
            var owner = ownerOf[from];
            if (owner < 0)
            {
                continue;
            }

            if (to != from)
            {
                MoveSlot(from, to);
                ownerOf[to] = owner;
                var own = slotsOf[owner];
                own[Array.IndexOf(own, from)] = to;
            }

            to++;
        }

        slots = to;
    }

    /// <summary>A copy of the row in a scratch buffer (valid until the next call).</summary>
    private ReadOnlySpan<float> Row(int slot)
    {
        var row = Buffer(ref rowScratch, Dimension);
        ReadSlot(slot, row);
        return row;
    }

    /// <summary>What the row would read back as once stored (itself in float32; rounded otherwise), in a scratch buffer.</summary>
    private ReadOnlySpan<float> Stored(ReadOnlySpan<float> values)
    {
        if (Storage == ShardPrecision.Float32)
        {
            return values;
        }

        var residual = Residual(values);
        var rounded = Buffer(ref compareScratch, Dimension);
        if (Storage == ShardPrecision.BFloat16)
        {
            for (var d = 0; d < Dimension; d++)
            {
                rounded[d] = CompactPanelKernels.FromBFloat16(CompactPanelKernels.ToBFloat16(residual[d])) + center![d];
            }
        }
        else
        {
            var q = Quantized();
            var scale = CompactPanelKernels.QuantizeInt8(residual, q);
            for (var d = 0; d < Dimension; d++)
            {
                rounded[d] = (q[d] * scale) + center![d];
            }
        }

        return rounded;
    }

    /// <summary>The row's difference from the center, in a scratch buffer.</summary>
    private ReadOnlySpan<float> Residual(ReadOnlySpan<float> values)
    {
        var residual = Buffer(ref residualScratch, Dimension);
        TensorPrimitives.Subtract(values, center, residual);
        return residual;
    }

    private Span<sbyte> Quantized()
    {
        if (quantScratch.Length < Dimension)
        {
            quantScratch = new sbyte[Dimension];
        }

        return quantScratch.AsSpan(0, Dimension);
    }

    private static long At(int dim, int slot, int d) => ((long)(slot / PanelKernels.Lanes) * PanelKernels.Lanes * dim) + (slot % PanelKernels.Lanes) + ((long)d * PanelKernels.Lanes);

    private void WriteSlot(int slot, ReadOnlySpan<float> values)
    {
        switch (Storage)
        {
            case ShardPrecision.BFloat16:
                var difference = Residual(values);
                for (var d = 0; d < Dimension; d++)
                {
                    halves[At(Dimension, slot, d)] = CompactPanelKernels.ToBFloat16(difference[d]);
                }

                break;
            case ShardPrecision.Int8:
                var q = Quantized();
                scales[slot] = CompactPanelKernels.QuantizeInt8(Residual(values), q);
                for (var d = 0; d < Dimension; d++)
                {
                    bytes[CompactPanelKernels.Int8At(Dimension, slot, d)] = q[d];
                }

                break;
            default:
                PanelKernels.WriteRow(data, Dimension, slot, values);
                break;
        }
    }

    private void ReadSlot(int slot, Span<float> into)
    {
        switch (Storage)
        {
            case ShardPrecision.BFloat16:
                for (var d = 0; d < Dimension; d++)
                {
                    into[d] = CompactPanelKernels.FromBFloat16(halves[At(Dimension, slot, d)]) + center![d];
                }

                break;
            case ShardPrecision.Int8:
                var scale = scales[slot];
                for (var d = 0; d < Dimension; d++)
                {
                    into[d] = (bytes[CompactPanelKernels.Int8At(Dimension, slot, d)] * scale) + center![d];
                }

                break;
            default:
                PanelKernels.ReadRow(data, Dimension, slot, into);
                break;
        }
    }

    /// <summary>Copies a stored row as stored (no second rounding).</summary>
    private void MoveSlot(int from, int to)
    {
        switch (Storage)
        {
            case ShardPrecision.BFloat16:
                for (var d = 0; d < Dimension; d++)
                {
                    halves[At(Dimension, to, d)] = halves[At(Dimension, from, d)];
                }

                break;
            case ShardPrecision.Int8:
                scales[to] = scales[from];
                for (var d = 0; d < Dimension; d++)
                {
                    bytes[CompactPanelKernels.Int8At(Dimension, to, d)] = bytes[CompactPanelKernels.Int8At(Dimension, from, d)];
                }

                break;
            default:
                PanelKernels.WriteRow(data, Dimension, to, Row(from));
                break;
        }
    }

    private void Bury(int[] own)
    {
        foreach (var slot in own)
        {
            ownerOf[slot] = -1;
        }

        RowCount -= own.Length;
    }

    private void CompactIfWorthIt()
    {
        var tombstones = slots - RowCount;
        if (tombstones >= MinCompactTombstones && tombstones * 4 >= slots)
        {
            Compact();
        }
    }

    private void Reserve(int needed)
    {
        if (needed <= ownerOf.Length)
        {
            return;
        }

        var capacity = Math.Max(needed, Math.Max(PanelKernels.Lanes, ownerOf.Length * 2));
        capacity = (capacity + PanelKernels.Lanes - 1) / PanelKernels.Lanes * PanelKernels.Lanes; // whole panels
        ResizeStorage(capacity);
        Array.Resize(ref ownerOf, capacity);
    }

    /// <summary>Row storage of the current form for <paramref name="capacity"/> slots (a whole number of panels).</summary>
    private void ResizeStorage(int capacity)
    {
        switch (Storage)
        {
            case ShardPrecision.BFloat16:
                Array.Resize(ref halves, capacity * Dimension);
                break;
            case ShardPrecision.Int8:
                Array.Resize(ref bytes, capacity * CompactPanelKernels.Int8Width(Dimension));
                Array.Resize(ref scales, capacity);
                break;
            default:
                Array.Resize(ref data, capacity * Dimension);
                break;
        }
    }

    private static Span<float> Buffer(ref float[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new float[Math.Max(length, buffer.Length * 2)];
        }

        return buffer.AsSpan(0, length);
    }
}
