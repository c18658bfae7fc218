namespace FaceGrains.Recognition.Onnx;

/// <summary>
/// The range an activation is quantised over in a QDQ graph: values in [<see cref="Low"/>, <see cref="High"/>] map onto
/// uint8 0..255 (asymmetric: a zero point places 0.0 exactly on a level, so zero padding and ReLU's zeros stay exact);
/// values outside saturate. Measured on calibration faces (<see cref="Importers.FaceApiInt8"/>).
/// </summary>
public readonly record struct ActivationRange(float Low, float High)
{
    /// <summary>Scale and zero point of uint8 levels covering [min(Low, 0), max(High, 0)].</summary>
    public (float Scale, byte ZeroPoint) ToUInt8()
    {
        if (!float.IsFinite(Low) || !float.IsFinite(High) || Low > High)
        {
            throw new InvalidOperationException($"Activation range [{Low}, {High}] is not a finite interval.");
        }

        var low = MathF.Min(Low, 0f);
        var high = MathF.Max(High, 0f);
        var scale = (high - low) / 255f;
        if (scale <= 0f)
        {
            return (1f, 0);
        }

        return (scale, (byte)Math.Clamp(MathF.Round(-low / scale, MidpointRounding.ToEven), 0, 255));
    }
}
