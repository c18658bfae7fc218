using FaceGrains.Recognition;
using FaceGrains.Recognition.Importers;
using FaceGrains.Recognition.Models;

namespace FaceGrains.TestSupport;

/// <summary>
/// The imported face-api model for tests, imported once per machine into FACEGRAINS_TEST_HOME
/// (default: a folder in the temp directory) and shared by every test project; a file lock keeps
/// parallel test processes from importing twice.
/// </summary>
public static class TestModels
{
    private static readonly Lazy<ModelVersion> FaceApiLazy = new(ImportFaceApi);

    public static FaceGrainsHome Home { get; } = new(
        Environment.GetEnvironmentVariable("FACEGRAINS_TEST_HOME") is { Length: > 0 } path
            ? Path.GetFullPath(path)
            : Path.Combine(Path.GetTempPath(), "facegrains-test-home"));

    public static ModelVersion FaceApi => FaceApiLazy.Value;

    /// <summary>
    /// The face-api network served flip-averaged: a second model version (its own id, no shipped calibration) for the
    /// hot-swap tests. Derived once into the test home (publishing is idempotent).
    /// </summary>
    public static ModelVersion FlipAveraged => FlipAveragedLazy.Value;

    private static readonly Lazy<ModelVersion> FlipAveragedLazy = new(() =>
        new ModelStore(Home.ModelsDirectory).Derive(FaceApi, FaceApi.Manifest.Preprocessing with { FlipAverage = true }, "dlib-resnet-flip", "flip-averaged, for tests"));

    /// <summary>Why model tests cannot run here, or null when they can (the model is cached or npm can fetch it).</summary>
    public static string? UnavailableReason()
    {
        var store = new ModelStore(Home.ModelsDirectory);
        if (store.TryFindByName(FaceApiImporter.ModelName, out _))
        {
            return null;
        }

        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, "npm")));
        return onPath ? null : $"needs the face-api model from npm ({FaceApiImporter.PackageSpec}) and npm is not on PATH";
    }

    private static ModelVersion ImportFaceApi()
    {
        Directory.CreateDirectory(Home.Root);
        using var gate = AcquireLock(Path.Combine(Home.Root, "import.lock"));
        return FaceApiImporter.EnsureImported(new ModelStore(Home.ModelsDirectory), Home.CacheDirectory);
    }

    internal static FileStream AcquireLock(string path)
    {
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(200);
            }
        }
    }
}
