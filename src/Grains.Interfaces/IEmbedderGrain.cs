namespace FaceGrains.Grains.Interfaces;

/// <summary>
/// The local embedding pool of a silo (a stateless worker; key 0): decodes and preprocesses images, then joins
/// concurrent requests into micro-batches for one ONNX Runtime call. Bad images come back as per-image rejections.
/// </summary>
[Alias("facegrains.IEmbedderGrain")]
public interface IEmbedderGrain : IGrainWithIntegerKey
{
    /// <summary>One result per image, in order, with the active model version.</summary>
    [Alias("Embed")]
    Task<EmbeddingResult> EmbedAsync(IReadOnlyList<FaceImage> images);
}
