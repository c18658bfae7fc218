using FaceGrains.Recognition.Detection;
using FaceGrains.Recognition.Importers;
using FaceGrains.TestSupport;

namespace FaceGrains.Recognition.Tests.Detection;

/// <summary>The imported face-api detector and landmark net, shared by the tests of this process (sessions are thread-safe).</summary>
internal static class DetectionModels
{
    private static readonly Lazy<(DetectionModel Detector, DetectionModel Landmarks)> Imported = new(() =>
    {
        Directory.CreateDirectory(TestModels.Home.Root);
        _ = TestModels.FaceApi; // imports the package (with its lock) if this machine has not yet
        return FaceApiDetectionImporter.EnsureImported(DetectionModelStore.In(TestModels.Home), TestModels.Home.CacheDirectory);
    });

    private static readonly Lazy<(FaceDetector Detector, FaceLandmarker Landmarker)> Runners = new(() =>
    {
        var (detector, landmarks) = Imported.Value;
        return (new FaceDetector(detector), new FaceLandmarker(landmarks));
    });

    private static readonly Lazy<FaceDetector> Int8Runner = new(() =>
    {
        _ = Imported.Value;
        var (int8, _) = FaceApiDetectionImporter.EnsureImported(DetectionModelStore.In(TestModels.Home), TestModels.Home.CacheDirectory, precision: DetectorPrecision.Int8);
        return new FaceDetector(int8);
    });

    private static readonly Lazy<FaceLandmarker> CanvasRunner = new(() => new FaceLandmarker(Imported.Value.Landmarks, drawing: LandmarkInputDrawing.Canvas));

    public static (DetectionModel Detector, DetectionModel Landmarks) Models => Imported.Value;

    public static FaceDetector Detector => Runners.Value.Detector;

    public static FaceLandmarker Landmarker => Runners.Value.Landmarker;

    /// <summary>The detector's int8 build.</summary>
    public static FaceDetector Int8Detector => Int8Runner.Value;

    /// <summary>The landmark net fed as face-api.js feeds it in a browser, where its reference outputs were made.</summary>
    public static FaceLandmarker CanvasLandmarker => CanvasRunner.Value;
}
