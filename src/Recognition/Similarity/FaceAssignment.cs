namespace FaceGrains.Recognition.Similarity;

/// <summary>
/// In one photo one identity answers at most one face: faces and their eligible candidates (those at or above the
/// threshold) are assigned one-to-one so that the total score is the largest possible (Hungarian algorithm, exact). A
/// face that loses its best candidate to another face gets its next eligible candidate, or none (no-correspondence).
/// Without conflicts every face simply keeps its best candidate.
/// </summary>
public static class FaceAssignment
{
    /// <param name="eligible">Per face, its candidates at or above the threshold (identity, score), in any order.</param>
    /// <returns>Per face, the index into its own <paramref name="eligible"/> list of the assigned candidate, or −1.</returns>
    public static int[] Assign(IReadOnlyList<IReadOnlyList<(string Identity, float Score)>> eligible)
    {
        ArgumentNullException.ThrowIfNull(eligible);
        var faces = eligible.Count;
        var result = Enumerable.Repeat(-1, faces).ToArray();
        var identities = eligible.SelectMany(e => e.Select(c => c.Identity)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (faces == 0 || identities.Count == 0)
        {
            return result;
        }

        // Fast path: no identity is eligible for two faces, so each face keeps its best.
        if (eligible.Sum(e => e.Select(c => c.Identity).Distinct(StringComparer.Ordinal).Count()) == identities.Count)
        {
            for (var f = 0; f < faces; f++)
            {
                result[f] = BestIndex(eligible[f]);
            }

            return result;
        }

        // Rows: faces. Columns: identities, then one "no-correspondence" column per face (cost 0). Minimise −score.
        var column = identities.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => x.i, StringComparer.Ordinal);
        var m = identities.Count + faces;
        const double Forbidden = 1e9;
        var cost = new double[faces, m];
        for (var f = 0; f < faces; f++)
        {
            for (var j = 0; j < identities.Count; j++)
            {
                cost[f, j] = Forbidden;
            }

            foreach (var (identity, score) in eligible[f])
            {
                cost[f, column[identity]] = Math.Min(cost[f, column[identity]], -score);
            }
        }

        var assigned = Hungarian(cost, faces, m);
        for (var f = 0; f < faces; f++)
        {
            var j = assigned[f];
            if (j < identities.Count && cost[f, j] < Forbidden)
            {
                var identity = identities[j];
                result[f] = BestIndex(eligible[f], identity);
            }
        }

        return result;
    }

    private static int BestIndex(IReadOnlyList<(string Identity, float Score)> candidates, string? identity = null)
    {
        var best = -1;
        for (var i = 0; i < candidates.Count; i++)
        {
            if ((identity is null || candidates[i].Identity == identity) && (best < 0 || candidates[i].Score > candidates[best].Score))
            {
                best = i;
            }
        }

        return best;
    }

    /// <summary>Minimum-cost assignment of every row to a distinct column (rows ≤ columns); returns each row's column.</summary>
    private static int[] Hungarian(double[,] cost, int rows, int columns)
    {
        // Potentials u (rows) and v (columns), 1-based with a virtual column 0 (the classic O(n²m) formulation).
        var u = new double[rows + 1];
        var v = new double[columns + 1];
        var rowOf = new int[columns + 1];
        var way = new int[columns + 1];
        for (var i = 1; i <= rows; i++)
        {
            rowOf[0] = i;
            var j0 = 0;
            var minimum = Enumerable.Repeat(double.PositiveInfinity, columns + 1).ToArray();
            var used = new bool[columns + 1];
            do
            {
                used[j0] = true;
                var i0 = rowOf[j0];
                var delta = double.PositiveInfinity;
                var j1 = 0;
                for (var j = 1; j <= columns; j++)
                {
                    if (used[j])
                    {
                        continue;
                    }

                    var reduced = cost[i0 - 1, j - 1] - u[i0] - v[j];
                    if (reduced < minimum[j])
                    {
                        minimum[j] = reduced;
                        way[j] = j0;
                    }

                    if (minimum[j] < delta)
                    {
                        delta = minimum[j];
                        j1 = j;
                    }
                }

                for (var j = 0; j <= columns; j++)
                {
                    if (used[j])
                    {
                        u[rowOf[j]] += delta;
                        v[j] -= delta;
                    }
                    else
                    {
                        minimum[j] -= delta;
                    }
                }

                j0 = j1;
            }
            while (rowOf[j0] != 0);

            do
            {
                var j1 = way[j0];
                rowOf[j0] = rowOf[j1];
                j0 = j1;
            }
            while (j0 != 0);
        }

        var assignment = new int[rows];
        for (var j = 1; j <= columns; j++)
        {
            if (rowOf[j] != 0)
            {
                assignment[rowOf[j] - 1] = j - 1;
            }
        }

        return assignment;
    }
}
