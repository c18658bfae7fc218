using FaceGrains.Recognition.Evaluation;

namespace FaceGrains.Recognition.Protocols;

/// <summary>Open-set identification on a folder dataset: counts and ISO/IEC 19795-1 metrics.</summary>
/// <param name="Mated">The mated searches (known people's probes), best candidate first.</param>
/// <param name="NonMated">The non-mated searches (unknown people's probes).</param>
/// <param name="GalleryImpostors">
/// The gallery's own impostor scores, as the gallery measures them to calibrate itself: every enrolled face against the
/// centroid of every other enrolled identity, histogrammed as <see cref="Calibration.ImpostorCalibration"/> bins them.
/// </param>
/// <param name="CompactScoreError">
/// With a compact shard precision: how far each search's best score is from the same search over float32 rows
/// (|compact − exact|, mean and largest); null for float32.
/// </param>
public sealed record OpenSetReport(
    int KnownIdentities,
    int UnknownIdentities,
    int EnrolledImages,
    OpenSetResult Metrics,
    IReadOnlyDictionary<string, string> RejectedImages,
    IReadOnlyList<MatedSearch> Mated,
    IReadOnlyList<NonMatedSearch> NonMated,
    long[] GalleryImpostors,
    TopScoreError? CompactScoreError = null);

/// <summary>|best score over compact rows − best score over float32 rows| over every search: mean and largest.</summary>
public sealed record TopScoreError(double Mean, double Max);
