using FaceGrains.Recognition.Calibration;
using FaceGrains.Recognition.Detection;
using FaceGrains.Recognition.Embedding;
using FaceGrains.Recognition.Images;
using FaceGrains.Recognition.Models;

namespace FaceGrains.Grains;

/// <summary>
/// The model version a silo serves: its embedder session, its face preparer (the recipe: detection and alignment), the
/// image limits applied to every image, and the calibration shipped with it.
/// </summary>
public sealed class LoadedModel(ModelVersion version, FaceEmbedder embedder, FacePreparer preparer, ImageLimits limits) : IDisposable
{
    private readonly string tailPath = ImpostorTail.PathFor(version);
    private readonly Lock tailLock = new();
    private (DateTime Stamp, ImpostorTail? Tail, string? Problem) tail = (DateTime.MinValue, null, null);

    public ModelVersion Version { get; } = version;

    public string Id => Version.Id;

    public FaceEmbedder Embedder { get; } = embedder;

    public FacePreparer Preparer { get; } = preparer;

    public int Dimension => Embedder.EmbeddingSize;

    public ImageLimits Limits { get; } = limits;

    /// <summary>
    /// The version's stored impostor tail (shipped with it, or measured by <c>facegrains models calibrate</c>), or null when
    /// it has none or it was refused (<see cref="CalibrationProblem"/>). Re-read when the file changes, so a calibration
    /// run takes effect without restarting the silo.
    /// </summary>
    public ImpostorTail? ShippedTail => Read().Tail;

    /// <summary>Why the stored calibration was refused (measured for another version or recipe, unreadable), or null.</summary>
    public string? CalibrationProblem => Read().Problem;

    public void Dispose()
    {
        Embedder.Dispose();
        Preparer.Dispose();
    }

    private (DateTime Stamp, ImpostorTail? Tail, string? Problem) Read()
    {
        var stamp = File.Exists(tailPath) ? File.GetLastWriteTimeUtc(tailPath) : DateTime.MinValue;
        lock (tailLock)
        {
            if (stamp != tail.Stamp)
            {
                try
                {
                    tail = (stamp, stamp == DateTime.MinValue ? null : ImpostorTail.TryLoad(Version), null);
                }
                catch (Exception e) when (e is CalibrationMismatchException or InvalidDataException or IOException)
                {
                    tail = (stamp, null, e.Message);
                }
            }

            return tail;
        }
    }
}
