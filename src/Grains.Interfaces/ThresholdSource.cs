namespace FaceGrains.Grains.Interfaces;

/// <summary>Where the threshold of an answer came from.</summary>
[GenerateSerializer, Alias("facegrains.threshold-source")]
public enum ThresholdSource
{
    /// <summary>Derived from the model version's impostor-score tail for the target FPIR at the gallery's size.</summary>
    Calibrated = 0,

    /// <summary>The caller's raw threshold.</summary>
    Requested = 1,

    /// <summary>No impostor calibration for the model version: the manifest's pair threshold (far_1e-3), which does not hold the target FPIR.</summary>
    ManifestFallback = 2,

    /// <summary>Neither an impostor calibration nor a manifest threshold: threshold 1, so nothing is identified (the safe open-set answer).</summary>
    Uncalibrated = 3,
}
