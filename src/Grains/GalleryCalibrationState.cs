using FaceGrains.Grains.Interfaces;

namespace FaceGrains.Grains;

/// <summary>Durable state of a gallery's self-calibration: the last measurement (small: about 150 tail points and 101 top-score quantiles).</summary>
[GenerateSerializer, Alias("facegrains.gallery-calibration-state")]
public sealed class GalleryCalibrationState
{
    [Id(0)] public GalleryCalibration? Calibration { get; set; }
}
