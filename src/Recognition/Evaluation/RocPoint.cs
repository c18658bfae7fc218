namespace FaceGrains.Recognition.Evaluation;

/// <summary>One operating point of a verifier that accepts a pair when its score is ≥ <paramref name="Threshold"/>.</summary>
/// <param name="Far">False accept rate: share of impostor pairs accepted.</param>
/// <param name="Tar">True accept rate: share of genuine pairs accepted (1 − FRR).</param>
/// <param name="Threshold">The score threshold; +∞ for the point that accepts nothing.</param>
public readonly record struct RocPoint(double Far, double Tar, double Threshold)
{
    /// <summary>False reject rate: share of genuine pairs rejected.</summary>
    public double Frr => 1 - Tar;
}
