namespace FaceGrains.Recognition.Evaluation;

/// <summary>One held-out fold of <see cref="LfwProtocol.TenFoldAccuracy"/>.</summary>
/// <param name="Fold">The fold's label as given.</param>
/// <param name="Threshold">Chosen on the other folds; a pair is called genuine when its score is ≥ it.</param>
/// <param name="Accuracy">Share of this fold's pairs classified correctly at that threshold.</param>
/// <param name="PairCount">Pairs in this fold.</param>
public sealed record LfwFoldAccuracy(int Fold, double Threshold, double Accuracy, int PairCount);
