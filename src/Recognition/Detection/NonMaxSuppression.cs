namespace FaceGrains.Recognition.Detection;

/// <summary>
/// Greedy non-maximum suppression as face-api.js's SSD uses it: candidates scoring above the threshold, best
/// first; a candidate is kept unless it overlaps an already kept box by more than the IoU threshold.
/// </summary>
public static class NonMaxSuppression
{
    /// <returns>Indices of the kept boxes, best score first.</returns>
    public static IReadOnlyList<int> Select(IReadOnlyList<FaceBox> boxes, ReadOnlySpan<float> scores, float scoreThreshold, double iouThreshold, int maxResults)
    {
        ArgumentNullException.ThrowIfNull(boxes);
        if (scores.Length != boxes.Count)
        {
            throw new ArgumentException($"{boxes.Count} boxes but {scores.Length} scores.", nameof(scores));
        }

        var candidates = new List<(float Score, int Index)>();
        for (var i = 0; i < scores.Length; i++)
        {
            if (scores[i] > scoreThreshold)
            {
                candidates.Add((scores[i], i));
            }
        }

        // Stable on ties (lower index first), so results never depend on the sort's whims.
        candidates.Sort((p, q) => p.Score != q.Score ? q.Score.CompareTo(p.Score) : p.Index.CompareTo(q.Index));
        var kept = new List<int>();
        foreach (var (_, index) in candidates)
        {
            if (kept.Count >= maxResults)
            {
                break;
            }

            var suppressed = false;
            for (var j = kept.Count - 1; j >= 0 && !suppressed; j--)
            {
                suppressed = FaceBox.IntersectionOverUnion(boxes[index], boxes[kept[j]]) > iouThreshold;
            }

            if (!suppressed)
            {
                kept.Add(index);
            }
        }

        return kept;
    }
}
