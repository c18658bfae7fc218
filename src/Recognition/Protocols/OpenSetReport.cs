using FaceGrains.Recognition.Evaluation;

namespace FaceGrains.Recognition.Protocols;

/// <summary>Open-set identification on a folder dataset: counts and ISO/IEC 19795-1 metrics.</summary>
public sealed record OpenSetReport(
    int KnownIdentities,
    int UnknownIdentities,
    int EnrolledImages,
    OpenSetResult Metrics,
    IReadOnlyDictionary<string, string> RejectedImages);
