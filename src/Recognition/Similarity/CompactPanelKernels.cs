using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace FaceGrains.Recognition.Similarity;

/// <summary>How a shard stores its rows: float32 (exact), bfloat16 (2× smaller) or int8 with a float scale per row (3.9× smaller at d = 128).</summary>
public enum ShardPrecision
{
    Float32,
    BFloat16,
    Int8,
}

/// <summary>Names of <see cref="ShardPrecision"/> as settings and CLI options spell them: float32, bf16, int8.</summary>
public static class ShardPrecisions
{
    public static readonly string[] Names = ["float32", "bf16", "int8"];

    /// <summary>One of <see cref="Names"/>, exactly (what the silo's settings and the CLI accept).</summary>
    public static ShardPrecision Parse(string name) => Array.IndexOf(Names, name) is var i and >= 0
        ? (ShardPrecision)i
        : throw new ArgumentException($"Shard precision '{name}' is not one of: {string.Join(", ", Names)}.");

    public static string Name(this ShardPrecision precision) => Names[(int)precision];

    /// <summary>Bytes one row of <paramref name="dim"/> takes in the shard's buffer (int8: the row's scale included).</summary>
    public static int BytesPerRow(this ShardPrecision precision, int dim) => precision switch
    {
        ShardPrecision.BFloat16 => 2 * dim,
        ShardPrecision.Int8 => dim + sizeof(float),
        _ => 4 * dim,
    };
}

/// <summary>
/// The compact forms of the panel layout of <see cref="PanelKernels"/> (16 rows per panel, dimension-major inside):
/// bfloat16 (the float's upper 16 bits, rounded to nearest even) and int8 (each row scaled by 127 / max |x|, rounded,
/// with its scale kept per row). The scans widen 16 stored values to float32 in a register and multiply-add the float32
/// probe, so only the gallery is rounded; int8 scores are multiplied by the rows' scales at the end. Memory traffic is
/// a half (bf16) or a quarter (int8) of float32's.
/// </summary>
public static class CompactPanelKernels
{
    private const int Lanes = PanelKernels.Lanes;

    public static ushort ToBFloat16(float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value))
        {
            return (ushort)((bits >> 16) | 0x40);
        }

        var rounding = 0x7FFFu + ((bits >> 16) & 1);
        return (ushort)((bits + rounding) >> 16);
    }

    public static float FromBFloat16(ushort value) => BitConverter.UInt32BitsToSingle((uint)value << 16);

    /// <summary>The row's int8 values and the scale that turns them back into floats (0 for an all-zero row).</summary>
    public static float QuantizeInt8(ReadOnlySpan<float> values, Span<sbyte> into)
    {
        var max = 0f;
        foreach (var v in values)
        {
            max = Math.Max(max, Math.Abs(v));
        }

        if (!(max > 0) || !float.IsFinite(max))
        {
            into.Clear();
            return 0;
        }

        var factor = 127f / max;
        for (var i = 0; i < values.Length; i++)
        {
            into[i] = (sbyte)Math.Clamp(MathF.Round(values[i] * factor), -127, 127);
        }

        return max / 127f;
    }

    /// <summary>
    /// <c>scores[p * panelCount * 16 + row] = probes[p] · row + offsets[p]</c> over bfloat16 panels (ushort[panels × 16
    /// × dim]); no offset when <paramref name="probeOffsets"/> is empty (a shard's offset is each probe's score against
    /// the center its rows are differences from).
    /// </summary>
    public static void ScoreBFloat16(ReadOnlySpan<float> probes, int probeCount, ReadOnlySpan<ushort> panels, int panelCount, int dim, Span<float> scores, ReadOnlySpan<float> probeOffsets = default) =>
        Scan<ushort, BFloat16Values>(probes, probeCount, panels, [], probeOffsets, panelCount, dim, scores);

    /// <summary><c>scores[p * panelCount * 16 + row] = scale[row] · (probes[p] · q[row]) + offsets[p]</c> over int8 panels (sbyte[panels × 16 × dim]) and per-row scales.</summary>
    public static void ScoreInt8(ReadOnlySpan<float> probes, int probeCount, ReadOnlySpan<sbyte> panels, ReadOnlySpan<float> rowScales, int panelCount, int dim, Span<float> scores, ReadOnlySpan<float> probeOffsets = default)
    {
        if (rowScales.Length < panelCount * Lanes)
        {
            throw new ArgumentException("Fewer scales than rows.", nameof(rowScales));
        }

        Scan<sbyte, Int8Values>(probes, probeCount, panels, rowScales, probeOffsets, panelCount, dim, scores);
    }

    /// <summary>
    /// One scan for both compact forms: 16 stored values widened to float32 per step (<typeparamref name="TValues"/>),
    /// then scaled per row when scales are given, then the probe's offset added when offsets are given (a separate
    /// multiply and add on every path, never fused, so every path gives the same bits).
    /// </summary>
    private static void Scan<T, TValues>(ReadOnlySpan<float> probes, int probeCount, ReadOnlySpan<T> panels, ReadOnlySpan<float> rowScales, ReadOnlySpan<float> probeOffsets, int panelCount, int dim, Span<float> scores)
        where T : unmanaged
        where TValues : struct, IStoredValues<T>
    {
        Check(probes, probeCount, panels.Length, panelCount, dim, scores);
        if (!probeOffsets.IsEmpty && probeOffsets.Length != probeCount)
        {
            throw new ArgumentException($"{probeOffsets.Length} offsets for {probeCount} probes.", nameof(probeOffsets));
        }

        var stride = panelCount * Lanes;
        var scaled = !rowScales.IsEmpty;
        var offset = !probeOffsets.IsEmpty;
        if (!Avx512F.IsSupported)
        {
            for (var p = 0; p < probeCount; p++)
            {
                for (var row = 0; row < stride; row++)
                {
                    var at = ((row / Lanes) * Lanes * dim) + (row % Lanes);
                    var sum = 0f;
                    for (var d = 0; d < dim; d++)
                    {
                        sum = MathF.FusedMultiplyAdd(probes[(p * dim) + d], TValues.Widen(panels[at + (d * Lanes)]), sum);
                    }

                    var score = scaled ? sum * rowScales[row] : sum;
                    scores[(p * stride) + row] = offset ? score + probeOffsets[p] : score;
                }
            }

            return;
        }

        if (probeCount >= WidenOnceProbes)
        {
            WidenThenScan<T, TValues>(probes, probeCount, panels, rowScales, probeOffsets, panelCount, dim, scores);
            return;
        }

        ref var probeBase = ref MemoryMarshal.GetReference(probes);
        ref var panelBase = ref MemoryMarshal.GetReference(panels);
        ref var scaleBase = ref MemoryMarshal.GetReference(rowScales);
        ref var scoreBase = ref MemoryMarshal.GetReference(scores);
        var panelValues = (nint)Lanes * dim;
        for (var b = 0; b < panelCount; b++)
        {
            ref var panel = ref Unsafe.Add(ref panelBase, b * panelValues);
            var scale = scaled ? Vector512.LoadUnsafe(ref scaleBase, (nuint)(b * Lanes)) : Vector512<float>.One;
            for (var p = 0; p < probeCount; p++)
            {
                ref var probe = ref Unsafe.Add(ref probeBase, (nint)p * dim);
                var a = Vector512<float>.Zero;
                for (nint d = 0; d < dim; d++)
                {
                    a = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref probe, d)), TValues.Widen16(ref panel, (nuint)(d * Lanes)), a);
                }

                var score = a * scale;
                if (offset)
                {
                    score += Vector512.Create(probeOffsets[p]);
                }

                score.StoreUnsafe(ref Unsafe.Add(ref scoreBase, ((nint)p * stride) + (b * Lanes)));
            }
        }
    }

    /// <summary>
    /// Batches of this many probes or more widen each block of panels to float32 once and score it with the float32
    /// kernels (<see cref="PanelKernels.Score"/>), instead of widening every value again for every probe: the batch
    /// scan is then bound by the float32 arithmetic, as float32 shards are. Every score is the same sum in the same
    /// order (dimension by dimension from zero, then × the row's scale), so both paths give identical bits.
    /// </summary>
    private const int WidenOnceProbes = 4;

    /// <summary>Panels widened at a time: 64 rows, 32 KB of float32 at 128-d (the float32 kernel's four-panel block).</summary>
    private const int WidenPanels = 4;

    private static void WidenThenScan<T, TValues>(ReadOnlySpan<float> probes, int probeCount, ReadOnlySpan<T> panels, ReadOnlySpan<float> rowScales, ReadOnlySpan<float> probeOffsets, int panelCount, int dim, Span<float> scores)
        where T : unmanaged
        where TValues : struct, IStoredValues<T>
    {
        var stride = panelCount * Lanes;
        var panelValues = Lanes * dim;
        var blockRows = WidenPanels * Lanes;
        var widened = System.Buffers.ArrayPool<float>.Shared.Rent(WidenPanels * panelValues);
        var blockScores = System.Buffers.ArrayPool<float>.Shared.Rent(probeCount * blockRows);
        try
        {
            ref var panelBase = ref MemoryMarshal.GetReference(panels);
            ref var wideBase = ref MemoryMarshal.GetArrayDataReference(widened);
            for (var b = 0; b < panelCount; b += WidenPanels)
            {
                var inBlock = Math.Min(WidenPanels, panelCount - b);
                ref var block = ref Unsafe.Add(ref panelBase, (nint)b * panelValues);
                for (nint i = 0; i < inBlock * panelValues; i += Lanes)
                {
                    TValues.Widen16(ref block, (nuint)i).StoreUnsafe(ref wideBase, (nuint)i);
                }

                var rows = inBlock * Lanes;
                PanelKernels.Score(probes, probeCount, widened.AsSpan(0, inBlock * panelValues), inBlock, dim, blockScores.AsSpan(0, probeCount * rows));
                for (var p = 0; p < probeCount; p++)
                {
                    var from = blockScores.AsSpan(p * rows, rows);
                    var to = scores.Slice((p * stride) + (b * Lanes), rows);
                    if (rowScales.IsEmpty)
                    {
                        from.CopyTo(to);
                    }
                    else
                    {
                        System.Numerics.Tensors.TensorPrimitives.Multiply(from, rowScales.Slice(b * Lanes, rows), to);
                    }

                    if (!probeOffsets.IsEmpty)
                    {
                        System.Numerics.Tensors.TensorPrimitives.Add(to, probeOffsets[p], to);
                    }
                }
            }
        }
        finally
        {
            System.Buffers.ArrayPool<float>.Shared.Return(widened);
            System.Buffers.ArrayPool<float>.Shared.Return(blockScores);
        }
    }

    /// <summary>How a compact form's stored values become float32 (one, or 16 lanes of a panel at once).</summary>
    private interface IStoredValues<T>
        where T : unmanaged
    {
        static abstract float Widen(T value);

        static abstract Vector512<float> Widen16(ref T panel, nuint at);
    }

    private readonly struct BFloat16Values : IStoredValues<ushort>
    {
        public static float Widen(ushort value) => FromBFloat16(value);

        public static Vector512<float> Widen16(ref ushort panel, nuint at) =>
            Avx512F.ShiftLeftLogical(Avx512F.ConvertToVector512UInt32(Vector256.LoadUnsafe(ref panel, at)), 16).AsSingle();
    }

    private readonly struct Int8Values : IStoredValues<sbyte>
    {
        public static float Widen(sbyte value) => value;

        public static Vector512<float> Widen16(ref sbyte panel, nuint at) =>
            Avx512F.ConvertToVector512Single(Avx512F.ConvertToVector512Int32(Vector128.LoadUnsafe(ref panel, at)));
    }

    private static void Check(ReadOnlySpan<float> probes, int probeCount, int panelValues, int panelCount, int dim, Span<float> scores)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(probeCount);
        ArgumentOutOfRangeException.ThrowIfNegative(panelCount);
        if (probes.Length < (long)probeCount * dim || panelValues < PanelKernels.Length(panelCount, dim) || scores.Length < (long)probeCount * panelCount * Lanes)
        {
            throw new ArgumentException("A span is smaller than the stated shapes.");
        }
    }
}
