namespace FaceGrains.Recognition.Evaluation;

/// <summary>Cross-validated verification accuracy in the LFW style.</summary>
/// <param name="Folds">Per fold, in ascending fold order.</param>
/// <param name="Mean">Mean of the per-fold accuracies.</param>
/// <param name="StandardDeviation">Sample standard deviation of the per-fold accuracies (divisor k − 1, as in the LFW report).</param>
/// <param name="StandardError">The LFW convention: <paramref name="StandardDeviation"/> / √k (k = 10 for View 2).</param>
public sealed record LfwAccuracyResult(IReadOnlyList<LfwFoldAccuracy> Folds, double Mean, double StandardDeviation, double StandardError);
