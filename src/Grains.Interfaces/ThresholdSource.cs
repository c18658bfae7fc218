namespace FaceGrains.Grains.Interfaces;

/// <summary>Where the threshold of an answer came from (nearest domain first: the gallery's own, then the shipped one).</summary>
[GenerateSerializer, Alias("facegrains.threshold-source")]
public enum ThresholdSource
{
    /// <summary>The impostor tail stored with the model version (shipped by its importer or exporter, or measured with `models calibrate`).</summary>
    Shipped = 0,

    /// <summary>The caller's raw threshold.</summary>
    Requested = 1,

    /// <summary>No impostor calibration for the model version: the manifest's pair threshold (far_1e-3), which does not hold the target FPIR.</summary>
    ManifestFallback = 2,

    /// <summary>Neither an impostor calibration nor a manifest threshold: threshold 1, so nothing is identified (the safe open-set answer).</summary>
    Uncalibrated = 3,

    /// <summary>The gallery's own impostor scores (its enrolled faces against the other identities' centroids), measured or modelled.</summary>
    Gallery = 4,
}
