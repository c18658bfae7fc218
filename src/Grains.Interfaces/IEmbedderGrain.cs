namespace FaceGrains.Grains.Interfaces;

/// <summary>
/// The local embedding pool of a silo (a stateless worker; key 0): decodes images, prepares their faces exactly as the
/// active model version's recipe says (detect, select, quality, align), then joins concurrent requests into
/// micro-batches for one ONNX Runtime call. Bad images and photos without a face come back as per-image rejections.
/// </summary>
[Alias("facegrains.IEmbedderGrain")]
public interface IEmbedderGrain : IGrainWithIntegerKey
{
    /// <summary>One result per image, in order, under <paramref name="modelVersion"/> (loaded on this silo on first use).</summary>
    /// <param name="aligned">The caller declares the images to be face chips: no detection.</param>
    [Alias("Embed")]
    Task<EmbeddingResult> EmbedAsync(IReadOnlyList<FaceImage> images, FacePurpose purpose, bool aligned, string modelVersion);
}
