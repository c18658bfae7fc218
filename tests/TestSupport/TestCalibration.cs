using FaceGrains.Recognition.Calibration;
using FaceGrains.Recognition.Embedding;

namespace FaceGrains.TestSupport;

/// <summary>
/// The imported model's impostor tail, measured once per machine on LFW (crop 'lfw'): every image against the
/// 3-image centroid of every other identity with 3 images, as the gallery scores probes. It is
/// kept beside the model in the shared test home, as `facegrains models calibrate --data lfw` would. About a minute
/// the first time; a file lock keeps parallel test processes from measuring twice.
/// </summary>
public static class TestCalibration
{
    private static readonly Lazy<ImpostorTail?> TailLazy = new(Ensure);

    /// <summary>The tail, or null when LFW is not on this machine (the gallery then falls back and says so).</summary>
    public static ImpostorTail? FaceApiLfwTail => TailLazy.Value;

    private static ImpostorTail? Ensure()
    {
        var model = TestModels.FaceApi;
        if (ImpostorTail.TryLoad(model) is { EnrolledPerIdentity: ImpostorCalibration.DefaultEnrolledPerIdentity } existing)
        {
            return existing;
        }

        if (!SharedData.Has("lfw"))
        {
            return null;
        }

        using var gate = TestModels.AcquireLock(Path.Combine(TestModels.Home.Root, "calibrate.lock"));
        if (ImpostorTail.TryLoad(model) is { EnrolledPerIdentity: ImpostorCalibration.DefaultEnrolledPerIdentity } measured)
        {
            return measured;
        }

        using var embedder = new FaceEmbedder(model, new EmbedderOptions());
        var tail = ImpostorCalibration.CalibrateFolder(embedder, SharedData.PathOf("lfw"), model.Manifest.Preprocessing.ResolveCrop("lfw"));
        tail.SaveTo(model);
        return tail;
    }
}
