namespace FaceGrains.Recognition.Evaluation;

/// <summary>What <see cref="VerificationMetrics.Compute"/> found for a set of scored pairs.</summary>
/// <param name="GenuineCount">Pairs of the same identity.</param>
/// <param name="ImpostorCount">Pairs of different identities.</param>
/// <param name="Roc">
/// Every operating point, from the threshold +∞ (FAR 0, TAR 0) down through each distinct score to the lowest
/// (FAR 1, TAR 1); thresholds strictly decrease, FAR and TAR never decrease.
/// </param>
/// <param name="Auc">Area under <paramref name="Roc"/> by the trapezoid rule; tied genuine and impostor scores count one half, as in the Mann–Whitney statistic.</param>
/// <param name="Eer">Equal error rate: where FAR and FRR cross, linearly interpolated between neighbouring ROC points.</param>
/// <param name="EerThreshold">Threshold at the crossing, interpolated the same way (the lower point's threshold when the upper one is +∞).</param>
/// <param name="TarAtFar">TAR at each of <see cref="VerificationMetrics.StandardFarTargets"/>, in that order.</param>
public sealed record VerificationResult(
    int GenuineCount,
    int ImpostorCount,
    IReadOnlyList<RocPoint> Roc,
    double Auc,
    double Eer,
    double EerThreshold,
    IReadOnlyList<TarAtFar> TarAtFar);
