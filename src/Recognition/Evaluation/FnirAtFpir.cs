namespace FaceGrains.Recognition.Evaluation;

/// <summary>FNIR at the threshold that meets a target FPIR.</summary>
/// <param name="TargetFpir">The FPIR asked for, e.g. 1e-3.</param>
/// <param name="Threshold">
/// The smallest threshold T with FPIR(T) ≤ target. FPIR only changes at non-mated top scores, so this is the next
/// double above the (⌊target·N⌋+1)-th highest non-mated top score; −∞ when the target allows every non-mated search through.
/// </param>
/// <param name="AchievedFpir">FPIR at <paramref name="Threshold"/> (≤ target; lower when scores tie). NaN without non-mated searches.</param>
/// <param name="Fnir">FNIR at <paramref name="Threshold"/> and <paramref name="Rank"/>.</param>
/// <param name="Rank">The rank R within which the mated identity must appear.</param>
/// <param name="Resolvable">
/// False when there are fewer than 1/target non-mated searches (or none): the target then cannot be told apart from
/// FPIR = 0, and the threshold simply sits above every non-mated score.
/// </param>
public sealed record FnirAtFpir(double TargetFpir, double Threshold, double AchievedFpir, double Fnir, int Rank, bool Resolvable);
