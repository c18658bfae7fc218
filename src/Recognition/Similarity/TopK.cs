using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace FaceGrains.Recognition.Similarity;

/// <summary>
/// The k best-scoring gallery rows, ordered by <see cref="ScoredIndex.RanksBefore"/>
/// (score descending, ties by lower index).
/// </summary>
public static class TopK
{
    /// <summary>
    /// The <paramref name="k"/> best entries of <paramref name="scores"/> (k is clamped to the number of scores), best first.
    /// A bounded heap whose root is the worst entry kept so far: O(n log k) time, O(k) memory.
    /// </summary>
    public static ScoredIndex[] Select(ReadOnlySpan<float> scores, int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        var size = Math.Min(k, scores.Length);
        if (size == 0)
        {
            return [];
        }

        var heap = new ScoredIndex[size];
        for (var i = 0; i < size; i++)
        {
            heap[i] = new ScoredIndex(i, scores[i]);
        }

        for (var i = (size / 2) - 1; i >= 0; i--)
        {
            SiftDown(heap, i);
        }

        // A later entry ranks before a root that is a number only with a strictly higher score (on a tie the root's
        // lower index wins; NaN ranks last), so 16 scores at a time that none beats are passed over with one comparison;
        // the answer is the same. A NaN root (every number ranks before it) has each entry offered.
        var next = size;
        if (Vector512.IsHardwareAccelerated)
        {
            ref var first = ref MemoryMarshal.GetReference(scores);
            for (; next + Vector512<float>.Count <= scores.Length; next += Vector512<float>.Count)
            {
                var root = heap[0].Score;
                if (float.IsNaN(root) || Vector512.GreaterThanAny(Vector512.LoadUnsafe(ref first, (nuint)next), Vector512.Create(root)))
                {
                    Offer(heap, scores, next, next + Vector512<float>.Count);
                }
            }
        }

        Offer(heap, scores, next, scores.Length);
        Array.Sort(heap, CompareBestFirst);
        return heap;
    }

    /// <summary>Top-k of each row of a row-major <paramref name="rowCount"/>×n score matrix (one row per probe).</summary>
    public static ScoredIndex[][] SelectBatch(ReadOnlySpan<float> scores, int rowCount, int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rowCount);
        if (rowCount == 0)
        {
            return [];
        }

        if (scores.Length % rowCount != 0)
        {
            throw new ArgumentException($"Score matrix of {scores.Length} values does not split into {rowCount} equal rows.", nameof(scores));
        }

        var columns = scores.Length / rowCount;
        var result = new ScoredIndex[rowCount][];
        for (var row = 0; row < rowCount; row++)
        {
            result[row] = Select(scores.Slice(row * columns, columns), k);
        }

        return result;
    }

    /// <summary>
    /// Merges lists that are each already best-first (e.g. the answers of several shards, whose indices the caller has
    /// already mapped into one shared index space) into the overall best <paramref name="k"/>.
    /// Entries are not de-duplicated: an index present in two lists is kept twice.
    /// </summary>
    public static ScoredIndex[] Merge(IReadOnlyList<IReadOnlyList<ScoredIndex>> sortedLists, int k)
    {
        ArgumentNullException.ThrowIfNull(sortedLists);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        var available = 0L;
        foreach (var list in sortedLists)
        {
            available += list.Count;
        }

        var size = (int)Math.Min(k, available);
        var merged = new ScoredIndex[size];
        if (size == 0)
        {
            return merged;
        }

        // A k-way merge over list heads: O(k log m) for m lists instead of sorting everything.
        var heads = new PriorityQueue<int, ScoredIndex>(sortedLists.Count, Comparer<ScoredIndex>.Create(CompareBestFirst));
        var positions = new int[sortedLists.Count];
        for (var list = 0; list < sortedLists.Count; list++)
        {
            if (sortedLists[list].Count > 0)
            {
                heads.Enqueue(list, sortedLists[list][0]);
            }
        }

        for (var filled = 0; filled < size; filled++)
        {
            heads.TryDequeue(out var list, out var best);
            merged[filled] = best;
            var next = ++positions[list];
            if (next < sortedLists[list].Count)
            {
                var candidate = sortedLists[list][next];
                if (ScoredIndex.RanksBefore(candidate, best))
                {
                    throw new ArgumentException($"List {list} is not sorted best-first at position {next}.", nameof(sortedLists));
                }

                heads.Enqueue(list, candidate);
            }
        }

        return merged;
    }

    /// <summary>Offers entries [from, to) to the heap: each that ranks before its root replaces it.</summary>
    private static void Offer(ScoredIndex[] heap, ReadOnlySpan<float> scores, int from, int to)
    {
        for (var i = from; i < to; i++)
        {
            var candidate = new ScoredIndex(i, scores[i]);
            if (ScoredIndex.RanksBefore(candidate, heap[0]))
            {
                heap[0] = candidate;
                SiftDown(heap, 0);
            }
        }
    }

    private static int CompareBestFirst(ScoredIndex a, ScoredIndex b) =>
        ScoredIndex.RanksBefore(a, b) ? -1 : ScoredIndex.RanksBefore(b, a) ? 1 : 0;

    /// <summary>Restores the heap below <paramref name="at"/>, keeping the worst-ranked entry at the root.</summary>
    private static void SiftDown(ScoredIndex[] heap, int at)
    {
        var item = heap[at];
        while (true)
        {
            var child = (2 * at) + 1;
            if (child >= heap.Length)
            {
                break;
            }

            if (child + 1 < heap.Length && ScoredIndex.RanksBefore(heap[child], heap[child + 1]))
            {
                child++;
            }

            if (!ScoredIndex.RanksBefore(item, heap[child]))
            {
                break;
            }

            heap[at] = heap[child];
            at = child;
        }

        heap[at] = item;
    }
}
