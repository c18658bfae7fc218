namespace FaceGrains.Recognition.Detection;

/// <summary>Settings of <see cref="FaceDetector"/>.</summary>
public sealed record FaceDetectorOptions
{
    /// <summary>Face probability a box must exceed. Default 0.5, face-api.js's own default.</summary>
    public float MinConfidence { get; init; } = 0.5f;

    /// <summary>
    /// Boxes whose shorter side is below this many pixels are dropped. Default 20: the detector's finest anchors
    /// are about 0.1 of the 512 square, so smaller faces are found rarely and landmarked poorly.
    /// </summary>
    public double MinFaceSize { get; init; } = 20;

    /// <summary>Overlap above which the weaker of two boxes is suppressed. Default 0.5, as face-api.js.</summary>
    public double IouThreshold { get; init; } = 0.5;

    /// <summary>Most faces reported per image. Default 100, as face-api.js.</summary>
    public int MaxResults { get; init; } = 100;

    /// <summary>
    /// When the plain pass finds nothing, detect again with the image centred on a black square this many times its
    /// longer side, then (still nothing) on one this factor larger again (1 or less: no second pass). Default 2:
    /// the detector (trained for faces in scenes) scores faces that fill much of its input weakly, e.g. 0.2–0.4 on
    /// LFW's 250×250 frames where the face is 0.4 of the side, and 0.65–0.9 once the face is shrunk to a fifth of it.
    /// </summary>
    public double RetryCanvasScale { get; init; } = 2;

    /// <summary>ONNX Runtime intra-op threads; 0 = its default.</summary>
    public int IntraOpNumThreads { get; init; }

    public void Validate()
    {
        if (!(MinConfidence > 0 && MinConfidence < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(MinConfidence), MinConfidence, "MinConfidence must be in (0, 1).");
        }

        if (!(MinFaceSize >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(MinFaceSize), MinFaceSize, "MinFaceSize must be 0 or more pixels.");
        }

        if (!(IouThreshold > 0 && IouThreshold <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(IouThreshold), IouThreshold, "IouThreshold must be in (0, 1].");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxResults);
        ArgumentOutOfRangeException.ThrowIfNegative(IntraOpNumThreads);
    }
}
