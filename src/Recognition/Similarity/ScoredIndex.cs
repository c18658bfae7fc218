namespace FaceGrains.Recognition.Similarity;

/// <summary>One gallery row and its similarity to a probe.</summary>
public readonly record struct ScoredIndex(int Index, float Score)
{
    /// <summary>
    /// The ranking every top-k list uses: higher score first, equal scores by lower index, NaN after every number.
    /// One total order keeps shard answers and their merge deterministic.
    /// </summary>
    public static bool RanksBefore(ScoredIndex a, ScoredIndex b)
    {
        if (a.Score > b.Score)
        {
            return true;
        }

        if (a.Score < b.Score)
        {
            return false;
        }

        var aIsNaN = float.IsNaN(a.Score);
        var bIsNaN = float.IsNaN(b.Score);
        if (aIsNaN != bIsNaN)
        {
            return bIsNaN;
        }

        return a.Index < b.Index;
    }
}
