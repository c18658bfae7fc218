namespace FaceGrains.Recognition.Detection;

/// <summary>
/// When a face is good enough to enrol. Each failed check becomes one reason in the rejection, so the operator
/// knows what to fix. Identification answers every face regardless: a poor probe is still worth an answer.
/// </summary>
public sealed record EnrolmentThresholds
{
    /// <summary>
    /// Shorter box side in pixels. Default 40: the 150×150 chip then already enlarges the face about 2.5×, and
    /// the embedding of smaller faces drifts away from the same person's sharp ones.
    /// </summary>
    public double MinFaceSize { get; init; } = 40;

    /// <summary>
    /// Detector probability. Default 0.5, the detector's own cut: a stricter gate was tried (0.8) and rejected real
    /// faces, because tight face chips (bbt/people) score only 0.53–0.77 when the whole frame is face.
    /// </summary>
    public float MinScore { get; init; } = 0.5f;

    /// <summary>
    /// Variance of the Laplacian of what the model is shown. Default 5: only faces blurred past use. Ordinary photos sit
    /// far above it, but not as far as sharp chips: the enrolment photos of the LFW open-set split (K = 2) measure 9.7 at
    /// the 1st percentile and 39 at the median, and a gate at 20 refused 11.7 % of them and cut rank-1 from 98.25 % to
    /// 95.24 %; at 5 it refuses 1 of 634 and changes nothing measurable (docs/BENCHMARKS.md, "Enrolment quality gate").
    /// </summary>
    public double MinSharpness { get; init; } = 5;

    /// <summary>|Yaw| in degrees. Default 45: past it one eye and the mouth corner are hidden and the five-point fit is poor.</summary>
    public double MaxAbsYaw { get; init; } = 45;

    /// <summary>|Pitch| in degrees. Default 35, for the same reason vertically.</summary>
    public double MaxAbsPitch { get; init; } = 35;

    /// <summary>
    /// Why <paramref name="quality"/> is not good enough to enrol, first the gravest; empty when it is. A face chip the
    /// caller declared aligned has no detector score and no pose: only its size and sharpness are checked.
    /// </summary>
    public IReadOnlyList<QualityProblem> Check(FaceQuality quality)
    {
        ArgumentNullException.ThrowIfNull(quality);
        var problems = new List<QualityProblem>();
        if (quality.Size < MinFaceSize)
        {
            problems.Add(new(QualityProblemKind.TooSmall, $"face is {quality.Size:F0} px, below the {MinFaceSize:F0} px minimum for enrolment"));
        }

        if (quality.Score is { } score && score < MinScore)
        {
            problems.Add(new(QualityProblemKind.LowConfidence, $"detector score {score:F2} is below {MinScore:F2}: may not be a face"));
        }

        if (quality.Sharpness < MinSharpness)
        {
            problems.Add(new(QualityProblemKind.Blurry, $"sharpness {quality.Sharpness:F1} is below {MinSharpness:F1}: too blurred"));
        }

        if (quality.YawDegrees is { } yaw && Math.Abs(yaw) > MaxAbsYaw)
        {
            problems.Add(new(QualityProblemKind.Pose, $"head turned {yaw:F0}° (yaw), beyond ±{MaxAbsYaw:F0}°"));
        }

        if (quality.PitchDegrees is { } pitch && Math.Abs(pitch) > MaxAbsPitch)
        {
            problems.Add(new(QualityProblemKind.Pose, $"head tilted {pitch:F0}° (pitch), beyond ±{MaxAbsPitch:F0}°"));
        }

        return problems;
    }
}
