namespace FaceGrains.Grains.Interfaces;

/// <summary>A model version as the cluster knows it.</summary>
/// <param name="Id">The version id (sha256 over the ONNX file and the serving recipe).</param>
/// <param name="Calibrated">Whether an impostor-score tail is stored with the version (thresholds for a target FPIR).</param>
/// <param name="Thresholds">The manifest's named pair thresholds (e.g. far_1e-3).</param>
/// <param name="Recipe">The serving recipe in one line (how a photo becomes the model's input).</param>
[GenerateSerializer, Immutable, Alias("facegrains.model-version-info")]
public sealed record ModelVersionInfo(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] int EmbeddingSize,
    [property: Id(3)] bool Calibrated,
    [property: Id(4)] IReadOnlyDictionary<string, double> Thresholds,
    [property: Id(5)] DateTimeOffset CreatedUtc,
    [property: Id(6)] string Recipe = "")
{
    public string ShortId => Id.Length > 12 ? Id[..12] : Id;
}
