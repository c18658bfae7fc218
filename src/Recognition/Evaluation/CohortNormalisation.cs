namespace FaceGrains.Recognition.Evaluation;

/// <summary>
/// Score normalisation against the gallery as a cohort: a search's top score is judged relative to the scores of the
/// next-best identities of the same search, which are almost always impostors. Two forms: the margin (s₁ − s₂) and the
/// z-score of s₁ against s₂…s_k. Used to study whether deciding on a normalised score lowers FNIR at the same FPIR
/// than deciding on the raw cosine (docs/BENCHMARKS.md); the gallery decides on the raw cosine.
/// </summary>
public static class CohortNormalisation
{
    public enum Form
    {
        /// <summary>s₁ − s₂.</summary>
        Margin,

        /// <summary>(s₁ − mean(s₂…s_k)) / std(s₂…s_k).</summary>
        ZScore,
    }

    /// <summary>Each search reduced to its top candidate with the normalised score (the rank-1 decision is unchanged).</summary>
    public static (IReadOnlyList<MatedSearch> Mated, IReadOnlyList<NonMatedSearch> NonMated) Normalise(IReadOnlyList<MatedSearch> mated, IReadOnlyList<NonMatedSearch> nonMated, Form form)
    {
        ArgumentNullException.ThrowIfNull(mated);
        ArgumentNullException.ThrowIfNull(nonMated);
        return (
            mated.Select(s => new MatedSearch(s.MatedIdentityId, Top(s.Candidates, form))).ToList(),
            nonMated.Select(s => new NonMatedSearch(Top(s.Candidates, form))).ToList());
    }

    private static IReadOnlyList<IdentificationCandidate> Top(IReadOnlyList<IdentificationCandidate> candidates, Form form)
    {
        if (candidates.Count < 3)
        {
            return candidates.Take(1).ToList();
        }

        var rest = candidates.Skip(1).Select(c => c.Score).ToList();
        var score = form switch
        {
            Form.Margin => candidates[0].Score - candidates[1].Score,
            _ => (candidates[0].Score - rest.Average()) / Math.Max(1e-6, Math.Sqrt(rest.Sum(x => (x - rest.Average()) * (x - rest.Average())) / rest.Count)),
        };
        return [new IdentificationCandidate(candidates[0].IdentityId, score)];
    }
}
