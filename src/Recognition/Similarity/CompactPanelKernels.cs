using System.Buffers;
using System.Numerics.Tensors;
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

    /// <summary>Bytes one row of <paramref name="dim"/> takes in the shard's buffer (int8: the row's scale included, and a zero byte when <paramref name="dim"/> is odd).</summary>
    public static int BytesPerRow(this ShardPrecision precision, int dim) => precision switch
    {
        ShardPrecision.BFloat16 => 2 * dim,
        ShardPrecision.Int8 => CompactPanelKernels.Int8Width(dim) + sizeof(float),
        _ => 4 * dim,
    };
}

/// <summary>
/// The compact forms of the panel layout of <see cref="PanelKernels"/> (16 rows per panel): bfloat16 (the float's upper
/// 16 bits, rounded to nearest even; dimension-major inside a panel, as float32) and int8 (each row scaled by
/// 127 / max |x|, rounded, with its scale kept per row; pairs of dimensions interleaved inside a panel, see
/// <see cref="Int8At"/>). bfloat16 scans widen 16 stored values to float32 in a register and multiply-add the float32
/// probe. int8 scans round the probe too, to signed 15-bit integers (<see cref="ProbeLevels"/>: a step 1/129 of the
/// rows', relative to the largest value; its error is under a fiftieth of theirs in the tests), sum integer products
/// exactly (AVX-512BW <c>vpmaddwd</c>: 32 products a step, against 16 for a float FMA), then multiply by the probe's and
/// the row's scales. Memory traffic is a half (bf16) or a quarter (int8) of float32's. Every path sums in the same
/// order (bf16) or exactly (int8), so a probe gets the same bits alone and in a batch.
/// </summary>
public static class CompactPanelKernels
{
    private const int Lanes = PanelKernels.Lanes;

    /// <summary>
    /// The largest integer an int8 scan rounds a probe's values to (its largest |value| becomes this): 14 bits and a sign,
    /// small enough that a row's sum of products (each at most 127 · 16,383) cannot overflow 32 bits up to
    /// <see cref="MaxInt8Dimension"/> dimensions.
    /// </summary>
    public const int ProbeLevels = 16383;

    /// <summary>Most dimensions an int8 shard holds (the integer sums' bound, <see cref="ProbeLevels"/>).</summary>
    public const int MaxInt8Dimension = 1024;

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
        var max = Math.Abs(TensorPrimitives.MaxMagnitude(values)); // NaN when any value is NaN
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
    /// A probe as an int8 scan multiplies it: integers of at most <see cref="ProbeLevels"/> in magnitude, and the scale
    /// that turns them back into floats (0 for an all-zero or non-finite probe, whose values are then all 0).
    /// </summary>
    public static float QuantizeProbe(ReadOnlySpan<float> values, Span<short> into)
    {
        var max = Math.Abs(TensorPrimitives.MaxMagnitude(values)); // NaN when any value is NaN
        if (!(max > 0) || !float.IsFinite(max))
        {
            into.Clear();
            return 0;
        }

        var factor = ProbeLevels / max;
        for (var i = 0; i < values.Length; i++)
        {
            into[i] = (short)Math.Clamp(MathF.Round(values[i] * factor), -ProbeLevels, ProbeLevels);
        }

        return max / ProbeLevels;
    }

    /// <summary>Values an int8 row takes in its panel: the dimension rounded up to even (the last pair padded with 0).</summary>
    public static int Int8Width(int dim) => (dim + 1) & ~1;

    /// <summary>Values of an int8 gallery of <paramref name="panelCount"/> panels.</summary>
    public static long Int8Length(int panelCount, int dim) => (long)panelCount * Lanes * Int8Width(dim);

    /// <summary>
    /// Where dimension <paramref name="d"/> of row <paramref name="row"/> sits in int8 panels: each pair of dimensions
    /// of the panel's 16 rows in 32 bytes (row by row, the pair's two values side by side), which one widening load
    /// turns into the 32 16-bit values one <c>vpmaddwd</c> multiplies by a probe's pair and sums into 16 rows' lanes.
    /// </summary>
    public static long Int8At(int dim, int row, int d) =>
        ((long)(row / Lanes) * Lanes * Int8Width(dim)) + ((long)(d >> 1) * 2 * Lanes) + ((row % Lanes) * 2) + (d & 1);

    /// <summary>
    /// <c>scores[p * panelCount * 16 + row] = probes[p] · row + offsets[p]</c> over bfloat16 panels (ushort[panels × 16
    /// × dim]); no offset when <paramref name="probeOffsets"/> is empty (a shard's offset is each probe's score against
    /// the center its rows are differences from).
    /// </summary>
    public static void ScoreBFloat16(ReadOnlySpan<float> probes, int probeCount, ReadOnlySpan<ushort> panels, int panelCount, int dim, Span<float> scores, ReadOnlySpan<float> probeOffsets = default)
    {
        Check(probes, probeCount, panels.Length >= PanelKernels.Length(panelCount, dim), probeOffsets, panelCount, dim, scores);
        var stride = panelCount * Lanes;
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
                        sum = MathF.FusedMultiplyAdd(probes[(p * dim) + d], FromBFloat16(panels[at + (d * Lanes)]), sum);
                    }

                    scores[(p * stride) + row] = offset ? sum + probeOffsets[p] : sum;
                }
            }

            return;
        }

        if (probeCount >= WidenOnceProbes)
        {
            WidenThenScan(probes, probeCount, panels, probeOffsets, panelCount, dim, scores);
            return;
        }

        ref var probeBase = ref MemoryMarshal.GetReference(probes);
        ref var panelBase = ref MemoryMarshal.GetReference(panels);
        ref var scoreBase = ref MemoryMarshal.GetReference(scores);
        var panelValues = (nint)Lanes * dim;
        for (var b = 0; b < panelCount; b++)
        {
            ref var panel = ref Unsafe.Add(ref panelBase, b * panelValues);
            for (var p = 0; p < probeCount; p++)
            {
                ref var probe = ref Unsafe.Add(ref probeBase, (nint)p * dim);
                var a = Vector512<float>.Zero;
                for (nint d = 0; d < dim; d++)
                {
                    a = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref probe, d)), WidenBFloat16(ref panel, (nuint)(d * Lanes)), a);
                }

                if (offset)
                {
                    a += Vector512.Create(probeOffsets[p]);
                }

                a.StoreUnsafe(ref Unsafe.Add(ref scoreBase, ((nint)p * stride) + (b * Lanes)));
            }
        }
    }

    /// <summary>
    /// Batches of this many probes or more widen each block of bfloat16 panels to float32 once and score it with the
    /// float32 kernels (<see cref="PanelKernels.Score"/>), instead of widening every value again for every probe; every
    /// score is the same sum in the same order (dimension by dimension from zero), so both paths give identical bits.
    /// int8 batches widen each block to 16-bit integers once (<see cref="Int8Batch"/>).
    /// </summary>
    private const int WidenOnceProbes = 4;

    /// <summary>Panels widened at a time: 64 rows (bf16: 32 KB of float32 at 128-d, the float32 kernel's four-panel block).</summary>
    private const int WidenPanels = 4;

    private static void WidenThenScan(ReadOnlySpan<float> probes, int probeCount, ReadOnlySpan<ushort> panels, ReadOnlySpan<float> probeOffsets, int panelCount, int dim, Span<float> scores)
    {
        var stride = panelCount * Lanes;
        var panelValues = Lanes * dim;
        var blockRows = WidenPanels * Lanes;
        var widened = ArrayPool<float>.Shared.Rent(WidenPanels * panelValues);
        var blockScores = ArrayPool<float>.Shared.Rent(probeCount * blockRows);
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
                    WidenBFloat16(ref block, (nuint)i).StoreUnsafe(ref wideBase, (nuint)i);
                }

                var rows = inBlock * Lanes;
                PanelKernels.Score(probes, probeCount, widened.AsSpan(0, inBlock * panelValues), inBlock, dim, blockScores.AsSpan(0, probeCount * rows));
                for (var p = 0; p < probeCount; p++)
                {
                    var to = scores.Slice((p * stride) + (b * Lanes), rows);
                    blockScores.AsSpan(p * rows, rows).CopyTo(to);
                    if (!probeOffsets.IsEmpty)
                    {
                        TensorPrimitives.Add(to, probeOffsets[p], to);
                    }
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(widened);
            ArrayPool<float>.Shared.Return(blockScores);
        }
    }

    private static Vector512<float> WidenBFloat16(ref ushort panel, nuint at) =>
        Avx512F.ShiftLeftLogical(Avx512F.ConvertToVector512UInt32(Vector256.LoadUnsafe(ref panel, at)), 16).AsSingle();

    /// <summary>
    /// <c>scores[p * panelCount * 16 + row] = (probes[p]' · q[row]) · probeScale[p] · scale[row] + offsets[p]</c> over
    /// int8 panels (<see cref="Int8At"/>) and per-row scales, where probes[p]' is the probe rounded by
    /// <see cref="QuantizeProbe"/> and the integer sum is exact; the products by the scales and the offset are separate
    /// float operations in this order on every path, so a probe gets the same bits alone and in any batch.
    /// </summary>
    public static void ScoreInt8(ReadOnlySpan<float> probes, int probeCount, ReadOnlySpan<sbyte> panels, ReadOnlySpan<float> rowScales, int panelCount, int dim, Span<float> scores, ReadOnlySpan<float> probeOffsets = default)
    {
        Check(probes, probeCount, panels.Length >= Int8Length(panelCount, dim), probeOffsets, panelCount, dim, scores);
        if (rowScales.Length < panelCount * Lanes)
        {
            throw new ArgumentException("Fewer scales than rows.", nameof(rowScales));
        }

        if (dim > MaxInt8Dimension)
        {
            throw new ArgumentOutOfRangeException(nameof(dim), $"An int8 scan holds at most {MaxInt8Dimension} dimensions.");
        }

        var width = Int8Width(dim);
        var quantized = ArrayPool<short>.Shared.Rent(probeCount * width);
        var scalesAndOffsets = ArrayPool<float>.Shared.Rent(2 * probeCount);
        try
        {
            var pairs = quantized.AsSpan(0, probeCount * width);
            pairs.Clear();
            var probeScales = scalesAndOffsets.AsSpan(0, probeCount);
            var offsets = scalesAndOffsets.AsSpan(probeCount, probeCount);
            for (var p = 0; p < probeCount; p++)
            {
                probeScales[p] = QuantizeProbe(probes.Slice(p * dim, dim), pairs.Slice(p * width, dim));
                offsets[p] = probeOffsets.IsEmpty ? 0 : probeOffsets[p];
            }

            var output = new Int8Output(scores, rowScales, probeScales, offsets, panelCount * Lanes);
            if (!Avx512BW.IsSupported)
            {
                Int8Scalar(pairs, probeCount, panels, panelCount, width, output);
            }
            else if (probeCount >= WidenOnceProbes)
            {
                Int8Batch(MemoryMarshal.Cast<short, int>(pairs), probeCount, panels, panelCount, width, output);
            }
            else
            {
                Int8Few(MemoryMarshal.Cast<short, int>(pairs), probeCount, panels, panelCount, width, output);
            }
        }
        finally
        {
            ArrayPool<short>.Shared.Return(quantized);
            ArrayPool<float>.Shared.Return(scalesAndOffsets);
        }
    }

    /// <summary>
    /// Where the int8 paths put 16 rows' integer sums, and the float steps every path ends with, in this order:
    /// (float) sum, × the probe's scale, × the row's scale, + the probe's offset (0 when none).
    /// </summary>
    private readonly ref struct Int8Output(Span<float> scores, ReadOnlySpan<float> rowScales, ReadOnlySpan<float> probeScales, ReadOnlySpan<float> offsets, int stride)
    {
        private readonly Span<float> scores = scores;
        private readonly ReadOnlySpan<float> rowScales = rowScales;
        private readonly ReadOnlySpan<float> probeScales = probeScales;
        private readonly ReadOnlySpan<float> offsets = offsets;

        public void Store(int probe, int row, Vector512<int> sums)
        {
            var score = Vector512.ConvertToSingle(sums) * probeScales[probe];
            score *= Vector512.Create(rowScales.Slice(row, Lanes));
            score += Vector512.Create(offsets[probe]);
            score.CopyTo(scores.Slice((probe * stride) + row, Lanes));
        }

        public void Store(int probe, int row, int sum) =>
            scores[(probe * stride) + row] = ((float)sum * probeScales[probe] * rowScales[row]) + offsets[probe];

        public void Store4(int probe, int row, Vector512<int> a0, Vector512<int> a1, Vector512<int> a2, Vector512<int> a3)
        {
            Store(probe, row, a0);
            Store(probe, row + Lanes, a1);
            Store(probe, row + (2 * Lanes), a2);
            Store(probe, row + (3 * Lanes), a3);
        }
    }

    /// <summary>
    /// A few probes: each panel's pairs widened to 16 bits in a register, then multiplied by each probe's pair; four
    /// panels at a time (four accumulators, four streams of rows read at once, as the float32 kernel's single probe).
    /// </summary>
    private static void Int8Few(ReadOnlySpan<int> probePairs, int probeCount, ReadOnlySpan<sbyte> panels, int panelCount, int width, Int8Output output)
    {
        ref var probeBase = ref MemoryMarshal.GetReference(probePairs);
        ref var panelBase = ref MemoryMarshal.GetReference(panels);
        var pairCount = width / 2;
        var panelValues = (nint)Lanes * width;
        var b = 0;
        for (; b + 4 <= panelCount; b += 4)
        {
            ref var block = ref Unsafe.Add(ref panelBase, b * panelValues);
            for (var p = 0; p < probeCount; p++)
            {
                ref var probe = ref Unsafe.Add(ref probeBase, (nint)p * pairCount);
                Vector512<int> a0 = default, a1 = default, a2 = default, a3 = default;
                for (nint k = 0; k < pairCount; k++)
                {
                    var at = (nuint)(k * 2 * Lanes);
                    var x = Vector512.Create(Unsafe.Add(ref probe, k)).AsInt16();
                    a0 += Avx512BW.MultiplyAddAdjacent(Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref block, at)), x);
                    a1 += Avx512BW.MultiplyAddAdjacent(Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref block, (nuint)panelValues + at)), x);
                    a2 += Avx512BW.MultiplyAddAdjacent(Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref block, (nuint)(2 * panelValues) + at)), x);
                    a3 += Avx512BW.MultiplyAddAdjacent(Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref block, (nuint)(3 * panelValues) + at)), x);
                }

                output.Store4(p, b * Lanes, a0, a1, a2, a3);
            }
        }

        for (; b < panelCount; b++)
        {
            ref var panel = ref Unsafe.Add(ref panelBase, b * panelValues);
            for (var p = 0; p < probeCount; p++)
            {
                ref var probe = ref Unsafe.Add(ref probeBase, (nint)p * pairCount);
                var a = Vector512<int>.Zero;
                for (nint k = 0; k < pairCount; k++)
                {
                    var g = Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref panel, (nuint)(k * 2 * Lanes)));
                    a += Avx512BW.MultiplyAddAdjacent(g, Vector512.Create(Unsafe.Add(ref probe, k)).AsInt16());
                }

                output.Store(p, b * Lanes, a);
            }
        }
    }

    /// <summary>
    /// A batch: each block of four panels widened to 16-bit integers once (16 KB at 128-d), then four probes × four
    /// panels at a time (sixteen accumulators), as the float32 kernel does.
    /// </summary>
    private static void Int8Batch(ReadOnlySpan<int> probePairs, int probeCount, ReadOnlySpan<sbyte> panels, int panelCount, int width, Int8Output output)
    {
        var pairCount = width / 2;
        var panelValues = Lanes * width;
        var widened = ArrayPool<short>.Shared.Rent(WidenPanels * panelValues);
        try
        {
            ref var probeBase = ref MemoryMarshal.GetReference(probePairs);
            ref var panelBase = ref MemoryMarshal.GetReference(panels);
            ref var wideBase = ref MemoryMarshal.GetArrayDataReference(widened);
            for (var b = 0; b < panelCount; b += WidenPanels)
            {
                var inBlock = Math.Min(WidenPanels, panelCount - b);
                ref var block = ref Unsafe.Add(ref panelBase, (nint)b * panelValues);
                for (nint i = 0; i < inBlock * panelValues; i += 2 * Lanes)
                {
                    Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref block, (nuint)i)).StoreUnsafe(ref wideBase, (nuint)i);
                }

                var p = 0;
                for (; p + 4 <= probeCount && inBlock == WidenPanels; p += 4)
                {
                    Int8Four4(ref Unsafe.Add(ref probeBase, (nint)p * pairCount), pairCount, ref wideBase, panelValues, output, p, b * Lanes);
                }

                for (; p < probeCount; p++)
                {
                    ref var probe = ref Unsafe.Add(ref probeBase, (nint)p * pairCount);
                    for (var q = 0; q < inBlock; q++)
                    {
                        ref var panel = ref Unsafe.Add(ref wideBase, (nint)q * panelValues);
                        var a = Vector512<int>.Zero;
                        for (nint k = 0; k < pairCount; k++)
                        {
                            a += Avx512BW.MultiplyAddAdjacent(Vector512.LoadUnsafe(ref panel, (nuint)(k * 2 * Lanes)), Vector512.Create(Unsafe.Add(ref probe, k)).AsInt16());
                        }

                        output.Store(p, (b + q) * Lanes, a);
                    }
                }
            }
        }
        finally
        {
            ArrayPool<short>.Shared.Return(widened);
        }
    }

    /// <summary>Four probes × four widened panels: sixteen integer accumulators.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Int8Four4(ref int probe, int pairCount, ref short block, int panelValues, Int8Output output, int firstProbe, int firstRow)
    {
        Vector512<int> a00 = default, a01 = default, a02 = default, a03 = default;
        Vector512<int> a10 = default, a11 = default, a12 = default, a13 = default;
        Vector512<int> a20 = default, a21 = default, a22 = default, a23 = default;
        Vector512<int> a30 = default, a31 = default, a32 = default, a33 = default;
        ref var p0 = ref probe;
        ref var p1 = ref Unsafe.Add(ref probe, pairCount);
        ref var p2 = ref Unsafe.Add(ref probe, 2 * pairCount);
        ref var p3 = ref Unsafe.Add(ref probe, 3 * pairCount);
        for (nint k = 0; k < pairCount; k++)
        {
            var at = (nuint)(k * 2 * Lanes);
            var g0 = Vector512.LoadUnsafe(ref block, at);
            var g1 = Vector512.LoadUnsafe(ref block, (nuint)panelValues + at);
            var g2 = Vector512.LoadUnsafe(ref block, (nuint)(2 * panelValues) + at);
            var g3 = Vector512.LoadUnsafe(ref block, (nuint)(3 * panelValues) + at);
            var x = Vector512.Create(Unsafe.Add(ref p0, k)).AsInt16();
            a00 += Avx512BW.MultiplyAddAdjacent(g0, x);
            a01 += Avx512BW.MultiplyAddAdjacent(g1, x);
            a02 += Avx512BW.MultiplyAddAdjacent(g2, x);
            a03 += Avx512BW.MultiplyAddAdjacent(g3, x);
            x = Vector512.Create(Unsafe.Add(ref p1, k)).AsInt16();
            a10 += Avx512BW.MultiplyAddAdjacent(g0, x);
            a11 += Avx512BW.MultiplyAddAdjacent(g1, x);
            a12 += Avx512BW.MultiplyAddAdjacent(g2, x);
            a13 += Avx512BW.MultiplyAddAdjacent(g3, x);
            x = Vector512.Create(Unsafe.Add(ref p2, k)).AsInt16();
            a20 += Avx512BW.MultiplyAddAdjacent(g0, x);
            a21 += Avx512BW.MultiplyAddAdjacent(g1, x);
            a22 += Avx512BW.MultiplyAddAdjacent(g2, x);
            a23 += Avx512BW.MultiplyAddAdjacent(g3, x);
            x = Vector512.Create(Unsafe.Add(ref p3, k)).AsInt16();
            a30 += Avx512BW.MultiplyAddAdjacent(g0, x);
            a31 += Avx512BW.MultiplyAddAdjacent(g1, x);
            a32 += Avx512BW.MultiplyAddAdjacent(g2, x);
            a33 += Avx512BW.MultiplyAddAdjacent(g3, x);
        }

        output.Store4(firstProbe, firstRow, a00, a01, a02, a03);
        output.Store4(firstProbe + 1, firstRow, a10, a11, a12, a13);
        output.Store4(firstProbe + 2, firstRow, a20, a21, a22, a23);
        output.Store4(firstProbe + 3, firstRow, a30, a31, a32, a33);
    }

    /// <summary>The same integer sums without AVX-512 (exact, so the same bits as the vector paths).</summary>
    private static void Int8Scalar(ReadOnlySpan<short> probes, int probeCount, ReadOnlySpan<sbyte> panels, int panelCount, int width, Int8Output output)
    {
        var stride = panelCount * Lanes;
        for (var p = 0; p < probeCount; p++)
        {
            var probe = probes.Slice(p * width, width);
            for (var row = 0; row < stride; row++)
            {
                var panel = panels.Slice((row / Lanes) * Lanes * width, Lanes * width);
                var lane = 2 * (row % Lanes);
                var sum = 0;
                for (var d = 0; d < width; d += 2)
                {
                    sum += (panel[(d * Lanes) + lane] * probe[d]) + (panel[(d * Lanes) + lane + 1] * probe[d + 1]);
                }

                output.Store(p, row, sum);
            }
        }
    }

    private static void Check(ReadOnlySpan<float> probes, int probeCount, bool panelsLongEnough, ReadOnlySpan<float> probeOffsets, int panelCount, int dim, Span<float> scores)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(probeCount);
        ArgumentOutOfRangeException.ThrowIfNegative(panelCount);
        if (probes.Length < (long)probeCount * dim || !panelsLongEnough || scores.Length < (long)probeCount * panelCount * Lanes)
        {
            throw new ArgumentException("A span is smaller than the stated shapes.");
        }

        if (!probeOffsets.IsEmpty && probeOffsets.Length != probeCount)
        {
            throw new ArgumentException($"{probeOffsets.Length} offsets for {probeCount} probes.", nameof(probeOffsets));
        }
    }
}
