namespace FaceGrains.Recognition.Evaluation;

/// <summary>
/// The true accept rate at a target false accept rate: the largest TAR over thresholds whose FAR is ≤ the target.
/// </summary>
/// <param name="TargetFar">The FAR asked for, e.g. 1e-3.</param>
/// <param name="Tar">The TAR reached.</param>
/// <param name="Threshold">The threshold that reaches it (accept when score ≥ threshold); +∞ when only accepting nothing keeps FAR within the target.</param>
/// <param name="AchievedFar">The FAR actually reached at that threshold (≤ <paramref name="TargetFar"/>).</param>
/// <param name="Resolvable">
/// False when there are fewer than 1/<paramref name="TargetFar"/> impostor pairs: then the only FAR within the target is 0,
/// so the figure is really TAR at FAR = 0 and says little about the target.
/// </param>
public sealed record TarAtFar(double TargetFar, double Tar, double Threshold, double AchievedFar, bool Resolvable);
