namespace FaceGrains.Recognition.Similarity;

/// <summary>
/// What <see cref="SimilarityBenchmark.Run"/> measured. GB are 10^9 bytes of gallery scanned.
/// </summary>
/// <param name="GalleryRows">Rows in the synthetic gallery.</param>
/// <param name="Dimension">Embedding dimension.</param>
/// <param name="ProbesPerBatch">Probes scored together by the batched kernel.</param>
/// <param name="SingleProbeGigabytesPerSecond">Gallery bytes read per second by <see cref="SimilarityKernels.ScoreAll"/>, one probe per scan: the memory-bound figure.</param>
/// <param name="SingleProbesPerSecond">Probes per second answered one at a time (scan plus top-k).</param>
/// <param name="BatchGigabytesPerSecond">Effective gallery bytes per second of <see cref="SimilarityKernels.ScoreBatch"/>: every probe counts a full gallery scan, so this exceeds memory bandwidth when rows are shared.</param>
/// <param name="BatchProbesPerSecond">Probes per second answered in batches (scan plus top-k).</param>
public sealed record SimilarityBenchmarkResult(
    int GalleryRows,
    int Dimension,
    int ProbesPerBatch,
    double SingleProbeGigabytesPerSecond,
    double SingleProbesPerSecond,
    double BatchGigabytesPerSecond,
    double BatchProbesPerSecond);
