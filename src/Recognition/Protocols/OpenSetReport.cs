using FaceGrains.Recognition.Evaluation;

namespace FaceGrains.Recognition.Protocols;

/// <summary>Open-set identification on a folder dataset: counts and ISO/IEC 19795-1 metrics.</summary>
/// <param name="Mated">The mated searches (known people's probes), best candidate first.</param>
/// <param name="NonMated">The non-mated searches (unknown people's probes).</param>
/// <param name="GalleryImpostors">
/// The gallery's own impostor scores, as the gallery measures them to calibrate itself: every enrolled face against the
/// centroid of every other enrolled identity, histogrammed as <see cref="Calibration.ImpostorCalibration"/> bins them.
/// </param>
public sealed record OpenSetReport(
    int KnownIdentities,
    int UnknownIdentities,
    int EnrolledImages,
    OpenSetResult Metrics,
    IReadOnlyDictionary<string, string> RejectedImages,
    IReadOnlyList<MatedSearch> Mated,
    IReadOnlyList<NonMatedSearch> NonMated,
    long[] GalleryImpostors);
