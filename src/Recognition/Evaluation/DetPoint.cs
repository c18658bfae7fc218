namespace FaceGrains.Recognition.Evaluation;

/// <summary>One point of a detection error trade-off curve at a threshold (accept when score ≥ threshold).</summary>
/// <param name="FalsePositiveRate">FPIR for open-set identification (FAR for verification).</param>
/// <param name="FalseNegativeRate">FNIR for open-set identification (FRR for verification).</param>
/// <param name="Threshold">The threshold; +∞ for the point that accepts nothing.</param>
public readonly record struct DetPoint(double FalsePositiveRate, double FalseNegativeRate, double Threshold);
