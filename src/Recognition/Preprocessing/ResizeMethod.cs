namespace FaceGrains.Recognition.Preprocessing;

/// <summary>How a crop is resampled to a model's input size.</summary>
public enum ResizeMethod
{
    /// <summary>Pixel-centre aligned bilinear, antialiased when shrinking (PIL's BILINEAR).</summary>
    Bilinear,

    /// <summary>TensorFlow's legacy resize_bilinear: corner-aligned sampling, two taps, no antialiasing.</summary>
    TensorFlowLegacy,
}
