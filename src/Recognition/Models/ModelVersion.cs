namespace FaceGrains.Recognition.Models;

/// <summary>One published model version in a <see cref="ModelStore"/>: its manifest and where its ONNX file is.</summary>
public sealed record ModelVersion(ModelManifest Manifest, string OnnxPath)
{
    public string Id => Manifest.Id;

    /// <summary>The first 12 hex digits, enough to name a version on a command line.</summary>
    public string ShortId => Manifest.Id.Length > 12 ? Manifest.Id[..12] : Manifest.Id;
}
