namespace FaceGrains.Recognition.Evaluation;

/// <summary>What <see cref="OpenSetMetrics.Compute"/> found.</summary>
/// <param name="MatedCount">Mated searches.</param>
/// <param name="NonMatedCount">Non-mated searches.</param>
/// <param name="Rank1">Share of mated searches whose mated identity is the top candidate, at any score (closed-set rank-1).</param>
/// <param name="Cmc">Cumulative match characteristic: element r−1 is the share of mated searches with the mated identity at rank ≤ r.</param>
/// <param name="FnirAtFpir">One entry per requested FPIR target, in that order.</param>
/// <param name="Det">FPIR vs FNIR (at rank <see cref="FnirAtFpir"/>'s rank) from threshold +∞ down through every distinct relevant score.</param>
public sealed record OpenSetResult(
    int MatedCount,
    int NonMatedCount,
    double Rank1,
    IReadOnlyList<double> Cmc,
    IReadOnlyList<FnirAtFpir> FnirAtFpir,
    IReadOnlyList<DetPoint> Det);
