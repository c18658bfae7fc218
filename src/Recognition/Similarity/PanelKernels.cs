using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace FaceGrains.Recognition.Similarity;

/// <summary>
/// Dot-product scans of a gallery stored in panels of <see cref="Lanes"/> rows, dimension-major inside a panel
/// (<c>panels[(row / 16) * 16 * dim + d * 16 + row % 16]</c>): one vector load brings one dimension of 16 rows, which
/// a broadcast probe value multiplies, so 16 scores build up in one register with no horizontal sums. Blocks of 4
/// panels (64 rows, 32 KiB at d = 128) stay in cache while every probe of a batch passes over them, so a batch reads
/// the gallery from memory once. Every path sums a row's products in dimension order with fused multiply-adds, so a
/// score is the same bits whether its probe was searched alone or in a batch. Single-threaded, like one shard. The
/// shard's <see cref="ShardMatrix"/> keeps its rows so.
/// </summary>
public static class PanelKernels
{
    /// <summary>Rows per panel: one 512-bit vector of float32.</summary>
    public const int Lanes = 16;

    private const int PanelsPerBlock = 4;
    private const int ProbesPerBlock = 4;

    /// <summary>Floats of a gallery of <paramref name="panelCount"/> panels.</summary>
    public static long Length(int panelCount, int dim) => (long)panelCount * Lanes * dim;

    /// <summary>Writes row <paramref name="row"/> into the panel layout.</summary>
    public static void WriteRow(Span<float> panels, int dim, int row, ReadOnlySpan<float> values)
    {
        var at = ((long)(row / Lanes) * Lanes * dim) + (row % Lanes);
        for (var d = 0; d < dim; d++)
        {
            panels[(int)(at + ((long)d * Lanes))] = values[d];
        }
    }

    /// <summary>Reads row <paramref name="row"/> out of the panel layout.</summary>
    public static void ReadRow(ReadOnlySpan<float> panels, int dim, int row, Span<float> values)
    {
        var at = ((long)(row / Lanes) * Lanes * dim) + (row % Lanes);
        for (var d = 0; d < dim; d++)
        {
            values[d] = panels[(int)(at + ((long)d * Lanes))];
        }
    }

    /// <summary>
    /// <c>scores[p * panelCount * 16 + row] = probes[p] · row</c> for every probe and every row of every panel (rows past
    /// the gallery's end in its last panel score whatever their lanes hold; callers mask them).
    /// </summary>
    public static void Score(ReadOnlySpan<float> probes, int probeCount, ReadOnlySpan<float> panels, int panelCount, int dim, Span<float> scores)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(probeCount);
        ArgumentOutOfRangeException.ThrowIfNegative(panelCount);
        var stride = panelCount * Lanes;
        if (probes.Length < (long)probeCount * dim || panels.Length < Length(panelCount, dim) || scores.Length < (long)probeCount * stride)
        {
            throw new ArgumentException("A span is smaller than the stated shapes.");
        }

        if (!Vector512.IsHardwareAccelerated)
        {
            ScoreScalar(probes, probeCount, panels, panelCount, dim, scores);
            return;
        }

        ref var probeBase = ref MemoryMarshal.GetReference(probes);
        ref var panelBase = ref MemoryMarshal.GetReference(panels);
        ref var scoreBase = ref MemoryMarshal.GetReference(scores);
        var panelFloats = (nint)Lanes * dim;
        for (var b = 0; b < panelCount; b += PanelsPerBlock)
        {
            var inBlock = Math.Min(PanelsPerBlock, panelCount - b);
            ref var block = ref Unsafe.Add(ref panelBase, b * panelFloats);
            var p = 0;
            for (; p + ProbesPerBlock <= probeCount; p += ProbesPerBlock)
            {
                ref var probe = ref Unsafe.Add(ref probeBase, (nint)p * dim);
                ref var score = ref Unsafe.Add(ref scoreBase, ((nint)p * stride) + (b * Lanes));
                if (inBlock == PanelsPerBlock)
                {
                    Four4(ref probe, ref block, dim, panelFloats, ref score, stride);
                }
                else
                {
                    for (var q = 0; q < inBlock; q++)
                    {
                        Four1(ref probe, ref Unsafe.Add(ref block, q * panelFloats), dim, ref Unsafe.Add(ref score, q * Lanes), stride);
                    }
                }
            }

            for (; p < probeCount; p++)
            {
                ref var probe = ref Unsafe.Add(ref probeBase, (nint)p * dim);
                ref var score = ref Unsafe.Add(ref scoreBase, ((nint)p * stride) + (b * Lanes));
                if (inBlock == PanelsPerBlock)
                {
                    One4(ref probe, ref block, dim, panelFloats, ref score);
                }
                else
                {
                    for (var q = 0; q < inBlock; q++)
                    {
                        One1(ref probe, ref Unsafe.Add(ref block, q * panelFloats), dim, ref Unsafe.Add(ref score, q * Lanes));
                    }
                }
            }
        }
    }

    /// <summary>Four probes × four panels: sixteen accumulators.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Four4(ref float probe, ref float block, int dim, nint panelFloats, ref float score, int stride)
    {
        Vector512<float> a00 = default, a01 = default, a02 = default, a03 = default;
        Vector512<float> a10 = default, a11 = default, a12 = default, a13 = default;
        Vector512<float> a20 = default, a21 = default, a22 = default, a23 = default;
        Vector512<float> a30 = default, a31 = default, a32 = default, a33 = default;
        ref var p0 = ref probe;
        ref var p1 = ref Unsafe.Add(ref probe, dim);
        ref var p2 = ref Unsafe.Add(ref probe, 2 * dim);
        ref var p3 = ref Unsafe.Add(ref probe, 3 * dim);
        for (nint d = 0; d < dim; d++)
        {
            var at = (nuint)(d * Lanes);
            var g0 = Vector512.LoadUnsafe(ref block, at);
            var g1 = Vector512.LoadUnsafe(ref block, (nuint)panelFloats + at);
            var g2 = Vector512.LoadUnsafe(ref block, (nuint)(2 * panelFloats) + at);
            var g3 = Vector512.LoadUnsafe(ref block, (nuint)(3 * panelFloats) + at);
            var x = Vector512.Create(Unsafe.Add(ref p0, d));
            a00 = Vector512.FusedMultiplyAdd(x, g0, a00);
            a01 = Vector512.FusedMultiplyAdd(x, g1, a01);
            a02 = Vector512.FusedMultiplyAdd(x, g2, a02);
            a03 = Vector512.FusedMultiplyAdd(x, g3, a03);
            x = Vector512.Create(Unsafe.Add(ref p1, d));
            a10 = Vector512.FusedMultiplyAdd(x, g0, a10);
            a11 = Vector512.FusedMultiplyAdd(x, g1, a11);
            a12 = Vector512.FusedMultiplyAdd(x, g2, a12);
            a13 = Vector512.FusedMultiplyAdd(x, g3, a13);
            x = Vector512.Create(Unsafe.Add(ref p2, d));
            a20 = Vector512.FusedMultiplyAdd(x, g0, a20);
            a21 = Vector512.FusedMultiplyAdd(x, g1, a21);
            a22 = Vector512.FusedMultiplyAdd(x, g2, a22);
            a23 = Vector512.FusedMultiplyAdd(x, g3, a23);
            x = Vector512.Create(Unsafe.Add(ref p3, d));
            a30 = Vector512.FusedMultiplyAdd(x, g0, a30);
            a31 = Vector512.FusedMultiplyAdd(x, g1, a31);
            a32 = Vector512.FusedMultiplyAdd(x, g2, a32);
            a33 = Vector512.FusedMultiplyAdd(x, g3, a33);
        }

        Store4(ref score, a00, a01, a02, a03);
        Store4(ref Unsafe.Add(ref score, stride), a10, a11, a12, a13);
        Store4(ref Unsafe.Add(ref score, 2 * stride), a20, a21, a22, a23);
        Store4(ref Unsafe.Add(ref score, 3 * stride), a30, a31, a32, a33);
    }

    /// <summary>Four probes × one panel.</summary>
    private static void Four1(ref float probe, ref float panel, int dim, ref float score, int stride)
    {
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
        for (nint d = 0; d < dim; d++)
        {
            var g = Vector512.LoadUnsafe(ref panel, (nuint)(d * Lanes));
            a0 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref probe, d)), g, a0);
            a1 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref probe, dim + d)), g, a1);
            a2 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref probe, (2 * dim) + d)), g, a2);
            a3 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref probe, (3 * dim) + d)), g, a3);
        }

        a0.StoreUnsafe(ref score);
        a1.StoreUnsafe(ref Unsafe.Add(ref score, stride));
        a2.StoreUnsafe(ref Unsafe.Add(ref score, 2 * stride));
        a3.StoreUnsafe(ref Unsafe.Add(ref score, 3 * stride));
    }

    /// <summary>One probe × four panels: four independent accumulators, each summing its dimensions in order.</summary>
    private static void One4(ref float probe, ref float block, int dim, nint panelFloats, ref float score)
    {
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
        for (nint d = 0; d < dim; d++)
        {
            var at = (nuint)(d * Lanes);
            var x = Vector512.Create(Unsafe.Add(ref probe, d));
            a0 = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref block, at), a0);
            a1 = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref block, (nuint)panelFloats + at), a1);
            a2 = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref block, (nuint)(2 * panelFloats) + at), a2);
            a3 = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref block, (nuint)(3 * panelFloats) + at), a3);
        }

        Store4(ref score, a0, a1, a2, a3);
    }

    /// <summary>One probe × one panel.</summary>
    private static void One1(ref float probe, ref float panel, int dim, ref float score)
    {
        var a = Vector512<float>.Zero;
        for (nint d = 0; d < dim; d++)
        {
            a = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref probe, d)), Vector512.LoadUnsafe(ref panel, (nuint)(d * Lanes)), a);
        }

        a.StoreUnsafe(ref score);
    }

    private static void Store4(ref float score, Vector512<float> a0, Vector512<float> a1, Vector512<float> a2, Vector512<float> a3)
    {
        a0.StoreUnsafe(ref score);
        a1.StoreUnsafe(ref score, Lanes);
        a2.StoreUnsafe(ref score, 2 * Lanes);
        a3.StoreUnsafe(ref score, 3 * Lanes);
    }

    private static void ScoreScalar(ReadOnlySpan<float> probes, int probeCount, ReadOnlySpan<float> panels, int panelCount, int dim, Span<float> scores)
    {
        var stride = panelCount * Lanes;
        for (var p = 0; p < probeCount; p++)
        {
            var probe = probes.Slice(p * dim, dim);
            for (var b = 0; b < panelCount; b++)
            {
                var panel = panels.Slice(b * Lanes * dim, Lanes * dim);
                for (var lane = 0; lane < Lanes; lane++)
                {
                    var sum = 0f;
                    for (var d = 0; d < dim; d++)
                    {
                        sum += probe[d] * panel[(d * Lanes) + lane];
                    }

                    scores[(p * stride) + (b * Lanes) + lane] = sum;
                }
            }
        }
    }
}
