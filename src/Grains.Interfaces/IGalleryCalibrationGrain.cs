namespace FaceGrains.Grains.Interfaces;

/// <summary>
/// The gallery's self-calibration for one model version (key: the version id): measures its impostor scores from the
/// enrolled faces and the shards' centroids, keeps the last measurement, and measures again in the background when the
/// gallery has grown or shrunk enough since.
/// </summary>
[Alias("facegrains.IGalleryCalibrationGrain")]
public interface IGalleryCalibrationGrain : IGrainWithStringKey
{
    /// <summary>The last measurement, or null before the first.</summary>
    [Alias("Get")]
    Task<GalleryCalibration?> GetAsync();

    /// <summary>Measures now (joining a measurement under way) and returns it; null when the gallery has fewer than two identities.</summary>
    [Alias("Refresh")]
    Task<GalleryCalibration?> RefreshAsync();

    /// <summary>Tells the grain the gallery's current size; it measures again in the background when that moved enough since the last measurement.</summary>
    [Alias("Nudge")]
    [Orleans.Concurrency.OneWay]
    Task NudgeAsync(int gallerySize);

    /// <summary>Forgets the measurement (the version was retired).</summary>
    [Alias("Clear")]
    Task ClearAsync();
}
