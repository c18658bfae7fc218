namespace FaceGrains.Recognition.Similarity;

/// <summary>
/// What <see cref="SimilarityBenchmark.Run"/> measured. GB are 10^9 bytes of gallery scanned.
/// </summary>
/// <param name="GalleryRows">Rows in the synthetic gallery.</param>
/// <param name="Dimension">Embedding dimension.</param>
/// <param name="ProbesPerBatch">Probes scored together by the batched kernel.</param>
/// <param name="SingleProbeGigabytesPerSecond">Gallery bytes read per second by <see cref="ShardMatrix.Search"/>, one probe per scan: the memory-bound figure.</param>
/// <param name="SingleProbesPerSecond">Probes per second answered one at a time (scan plus top-k).</param>
/// <param name="BatchGigabytesPerSecond">Effective gallery bytes per second of batched <see cref="ShardMatrix.Search"/>: every probe counts a full gallery scan, so this exceeds memory bandwidth when rows are shared.</param>
/// <param name="BatchProbesPerSecond">Probes per second answered in batches (scan plus top-k).</param>
/// <param name="BlasSingleProbesPerSecond">The same single-probe answers through OpenBLAS <c>cblas_sgemv</c> (one thread) and the same top-k; null when not compared.</param>
/// <param name="BlasBatchProbesPerSecond">The same batches through OpenBLAS <c>cblas_sgemm</c> (one thread) and the same top-k; null when not compared.</param>
/// <param name="BlasUnavailable">Why OpenBLAS was not compared although asked (not installed); null otherwise.</param>
public sealed record SimilarityBenchmarkResult(
    int GalleryRows,
    int Dimension,
    int ProbesPerBatch,
    double SingleProbeGigabytesPerSecond,
    double SingleProbesPerSecond,
    double BatchGigabytesPerSecond,
    double BatchProbesPerSecond,
    double? BlasSingleProbesPerSecond = null,
    double? BlasBatchProbesPerSecond = null,
    string? BlasUnavailable = null)
{
    /// <summary>How the shard kept its rows.</summary>
    public ShardPrecision Precision { get; init; } = ShardPrecision.Float32;

    /// <summary>Our single-probe rate over OpenBLAS sgemv's (above 1: ours is faster).</summary>
    public double? SingleRatioVsBlas => SingleProbesPerSecond / BlasSingleProbesPerSecond;

    /// <summary>Our batch rate over OpenBLAS sgemm's.</summary>
    public double? BatchRatioVsBlas => BatchProbesPerSecond / BlasBatchProbesPerSecond;
}
