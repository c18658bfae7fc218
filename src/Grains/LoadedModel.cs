using FaceGrains.Recognition.Calibration;
using FaceGrains.Recognition.Embedding;
using FaceGrains.Recognition.Images;
using FaceGrains.Recognition.Models;
using FaceGrains.Recognition.Preprocessing;

namespace FaceGrains.Grains;

/// <summary>The model version a silo serves: its embedder session, the crop and image limits applied to every image, and its impostor tail.</summary>
public sealed class LoadedModel(ModelVersion version, FaceEmbedder embedder, CropPolicy crop, ImageLimits limits)
{
    private readonly string tailPath = ImpostorTail.PathFor(version, embedder.Options.FlipAverage);
    private readonly Lock tailLock = new();
    private (DateTime Stamp, ImpostorTail? Tail) tail = (DateTime.MinValue, null);

    public ModelVersion Version { get; } = version;

    public string Id => Version.Id;

    public FaceEmbedder Embedder { get; } = embedder;

    public int Dimension => Embedder.EmbeddingSize;

    public CropPolicy Crop { get; } = crop;

    public ImageLimits Limits { get; } = limits;

    /// <summary>
    /// The version's impostor tail for the embeddings this silo makes (plain or flip-averaged), or null when that was never calibrated. Re-read when the file changes, so a
    /// calibration run (<c>facegrains models calibrate</c>) takes effect without restarting the silo.
    /// </summary>
    public ImpostorTail? Tail
    {
        get
        {
            var stamp = File.Exists(tailPath) ? File.GetLastWriteTimeUtc(tailPath) : DateTime.MinValue;
            lock (tailLock)
            {
                if (stamp != tail.Stamp)
                {
                    tail = (stamp, stamp == DateTime.MinValue ? null : ImpostorTail.TryLoad(Version, Embedder.Options.FlipAverage));
                }

                return tail.Tail;
            }
        }
    }
}
