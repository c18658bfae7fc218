using FaceGrains.Recognition.Images;

namespace FaceGrains.Recognition.Preprocessing;

/// <summary>Turns a decoded image into a model's input tensor, as the model's manifest describes.</summary>
public static class Preprocessor
{
    /// <summary>
    /// Crops (policy <paramref name="crop"/>, or the spec's default when null), resizes to the spec's size,
    /// orders channels, normalises and writes one image as CHW float32 into <paramref name="destination"/>
    /// (length 3 * spec.Height * spec.Width).
    /// </summary>
    public static void ToTensor(RgbImage image, PreprocessingSpec spec, CropPolicy? crop, Span<float> destination) =>
        throw new NotImplementedException("Preprocessor.ToTensor arrives with the images branch.");
}
