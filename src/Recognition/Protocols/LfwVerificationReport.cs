using FaceGrains.Recognition.Evaluation;

namespace FaceGrains.Recognition.Protocols;

/// <summary>LFW View 2 on one model and crop: 10-fold accuracy plus the pooled ROC over all pairs.</summary>
/// <param name="MissingPairs">Pairs scored as mismatches because an image could not be read.</param>
public sealed record LfwVerificationReport(
    int PairCount,
    int ImageCount,
    LfwAccuracyResult Accuracy,
    VerificationResult Verification,
    int MissingPairs,
    IReadOnlyDictionary<string, string> RejectedImages);
