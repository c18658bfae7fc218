namespace FaceGrains.Grains;

/// <summary>What <see cref="IdentifyScoreDrift"/> reads off its window.</summary>
/// <param name="Drift">Kolmogorov–Smirnov distance of the below-threshold faces from the calibration (0–1).</param>
/// <param name="AboveThreshold">Share of the window's faces whose top score reached their threshold.</param>
/// <param name="ExpectedFpir">The calibration's FPIR at the window's thresholds, averaged.</param>
/// <param name="Faces">Faces in the window.</param>
/// <param name="BelowThreshold">Of those, the faces the distance is measured on.</param>
public readonly record struct DriftReading(double Drift, double AboveThreshold, double ExpectedFpir, int Faces, int BelowThreshold);
