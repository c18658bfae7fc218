using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace FaceGrains.Recognition.Similarity;

/// <summary>
/// Dot-product scans of probes against a gallery stored as one contiguous row-major n×d matrix.
/// Single-threaded on purpose: a shard is one grain activation, and the cluster gets parallelism from many shards.
/// </summary>
public static class SimilarityKernels
{
    /// <summary>Probes scored together against each gallery row: four accumulators and the row stay in registers.</summary>
    private const int ProbesPerBlock = 4;

    /// <summary>
    /// Bytes of probes kept hot while the gallery streams past them once; sized to a typical per-core L2 so that
    /// a probe tile is re-read from cache, not memory, for every gallery row.
    /// </summary>
    private const int ProbeTileBytes = 256 * 1024;

    /// <summary>Number of rows in a gallery of <paramref name="galleryLength"/> floats; throws when it is not a whole number of rows.</summary>
    public static int RowCount(int galleryLength, int dim)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dim);
        if (galleryLength % dim != 0)
        {
            throw new ArgumentException($"Gallery length {galleryLength} is not a multiple of the dimension {dim}.", nameof(galleryLength));
        }

        return galleryLength / dim;
    }

    /// <summary>Scores one probe against every gallery row: <c>scores[row] = probe · gallery[row]</c>.</summary>
    public static void ScoreAll(ReadOnlySpan<float> probe, ReadOnlySpan<float> gallery, int dim, Span<float> scores)
    {
        var rows = RowCount(gallery.Length, dim);
        if (probe.Length != dim)
        {
            throw new ArgumentException($"Probe has {probe.Length} values; the gallery dimension is {dim}.", nameof(probe));
        }

        RequireScoreSpace(scores, rows);
        var blockedRows = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            // Four consecutive rows against the one probe: the same kernel as four probes against one row, since
            // both are four vectors a row-stride apart; it saves a call per row, which matters at d = 128.
            blockedRows = rows / ProbesPerBlock * ProbesPerBlock;
            ref var probeRef = ref MemoryMarshal.GetReference(probe);
            ref var galleryBase = ref MemoryMarshal.GetReference(gallery);
            for (var row = 0; row < blockedRows; row += ProbesPerBlock)
            {
                Dot4(ref Unsafe.Add(ref galleryBase, (nint)row * dim), ref probeRef, dim, out var s0, out var s1, out var s2, out var s3);
                scores[row] = s0;
                scores[row + 1] = s1;
                scores[row + 2] = s2;
                scores[row + 3] = s3;
            }
        }

        for (var row = blockedRows; row < rows; row++)
        {
            scores[row] = TensorPrimitives.Dot(probe, gallery.Slice(row * dim, dim));
        }
    }

    /// <summary>
    /// Scores <paramref name="probeCount"/> probes (row-major p×d) against every gallery row into a row-major p×n matrix:
    /// <c>scores[p * n + row] = probes[p] · gallery[row]</c>. The gallery is read from memory once per tile of probes,
    /// and each row, once loaded, is shared by four probes at a time.
    /// </summary>
    public static void ScoreBatch(ReadOnlySpan<float> probes, int probeCount, ReadOnlySpan<float> gallery, int dim, Span<float> scores)
    {
        var rows = RowCount(gallery.Length, dim);
        ArgumentOutOfRangeException.ThrowIfNegative(probeCount);
        if (probes.Length != (long)probeCount * dim)
        {
            throw new ArgumentException($"Expected {probeCount}×{dim} probe values, got {probes.Length}.", nameof(probes));
        }

        RequireScoreSpace(scores, (long)probeCount * rows);
        if (!Vector256.IsHardwareAccelerated)
        {
            ScorePairwise(probes, 0, probeCount, gallery, dim, rows, scores);
            return;
        }

        var probesPerTile = Math.Max(ProbesPerBlock, ProbeTileBytes / (dim * sizeof(float)) / ProbesPerBlock * ProbesPerBlock);
        ref var probeBase = ref MemoryMarshal.GetReference(probes);
        ref var galleryBase = ref MemoryMarshal.GetReference(gallery);
        for (var tileStart = 0; tileStart < probeCount; tileStart += probesPerTile)
        {
            var tileEnd = Math.Min(probeCount, tileStart + probesPerTile);
            var blockedEnd = tileStart + ((tileEnd - tileStart) / ProbesPerBlock * ProbesPerBlock);
            for (var row = 0; row < rows; row++)
            {
                ref var rowRef = ref Unsafe.Add(ref galleryBase, (nint)row * dim);
                for (var p = tileStart; p < blockedEnd; p += ProbesPerBlock)
                {
                    Dot4(ref Unsafe.Add(ref probeBase, (nint)p * dim), ref rowRef, dim, out var s0, out var s1, out var s2, out var s3);
                    var at = (p * rows) + row;
                    scores[at] = s0;
                    scores[at + rows] = s1;
                    scores[at + (2 * rows)] = s2;
                    scores[at + (3 * rows)] = s3;
                }
            }

            // The last one to three probes of a tile cannot fill a block; they take the single-probe path.
            ScorePairwise(probes, blockedEnd, tileEnd, gallery, dim, rows, scores);
        }
    }

    private static void ScorePairwise(ReadOnlySpan<float> probes, int firstProbe, int endProbe, ReadOnlySpan<float> gallery, int dim, int rows, Span<float> scores)
    {
        for (var p = firstProbe; p < endProbe; p++)
        {
            ScoreAll(probes.Slice(p * dim, dim), gallery, dim, scores.Slice(p * rows, rows));
        }
    }

    private static void RequireScoreSpace(Span<float> scores, long needed)
    {
        if (scores.Length < needed)
        {
            throw new ArgumentException($"Score buffer holds {scores.Length} values; {needed} are needed.", nameof(scores));
        }
    }

    /// <summary>
    /// Dot products of four vectors laid out one after another from <paramref name="probes"/> (four probes, or four
    /// gallery rows) with the single vector at <paramref name="row"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Dot4(ref float probes, ref float row, int dim, out float s0, out float s1, out float s2, out float s3)
    {
        var d = (nuint)dim;
        nuint i = 0;
        s0 = s1 = s2 = s3 = 0f;
        if (Vector512.IsHardwareAccelerated && d >= (nuint)Vector512<float>.Count)
        {
            var a0 = Vector512<float>.Zero;
            var a1 = Vector512<float>.Zero;
            var a2 = Vector512<float>.Zero;
            var a3 = Vector512<float>.Zero;
            for (; i + (nuint)Vector512<float>.Count <= d; i += (nuint)Vector512<float>.Count)
            {
                var g = Vector512.LoadUnsafe(ref row, i);
                a0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref probes, i), g, a0);
                a1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref probes, d + i), g, a1);
                a2 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref probes, (2 * d) + i), g, a2);
                a3 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref probes, (3 * d) + i), g, a3);
            }

            s0 = Vector512.Sum(a0);
            s1 = Vector512.Sum(a1);
            s2 = Vector512.Sum(a2);
            s3 = Vector512.Sum(a3);
        }

        if (Vector256.IsHardwareAccelerated && d - i >= (nuint)Vector256<float>.Count)
        {
            var a0 = Vector256<float>.Zero;
            var a1 = Vector256<float>.Zero;
            var a2 = Vector256<float>.Zero;
            var a3 = Vector256<float>.Zero;
            for (; i + (nuint)Vector256<float>.Count <= d; i += (nuint)Vector256<float>.Count)
            {
                var g = Vector256.LoadUnsafe(ref row, i);
                a0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref probes, i), g, a0);
                a1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref probes, d + i), g, a1);
                a2 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref probes, (2 * d) + i), g, a2);
                a3 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref probes, (3 * d) + i), g, a3);
            }

            s0 += Vector256.Sum(a0);
            s1 += Vector256.Sum(a1);
            s2 += Vector256.Sum(a2);
            s3 += Vector256.Sum(a3);
        }

        for (; i < d; i++)
        {
            var g = Unsafe.Add(ref row, i);
            s0 += Unsafe.Add(ref probes, i) * g;
            s1 += Unsafe.Add(ref probes, d + i) * g;
            s2 += Unsafe.Add(ref probes, (2 * d) + i) * g;
            s3 += Unsafe.Add(ref probes, (3 * d) + i) * g;
        }
    }
}
