namespace FaceGrains.TestSupport;

/// <summary>
/// Finds the real face sets in <c>../shared/data</c> beside the repository (or where FACEGRAINS_DATA points).
/// Tests read them in place and never copy them.
/// </summary>
public static class SharedData
{
    private static readonly Lazy<string?> RootLazy = new(Locate);

    /// <summary>The data folder, or null when it is not on this machine.</summary>
    public static string? Root => RootLazy.Value;

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>Full path of a file or folder under the data root; throws if the data is absent (guard with the attributes).</summary>
    public static string PathOf(params string[] parts) =>
        Path.Combine([Root ?? throw new InvalidOperationException(MissingMessage("")), .. parts]);

    public static bool Has(string relative) =>
        Root is not null && (Directory.Exists(Path.Combine(Root, relative)) || File.Exists(Path.Combine(Root, relative)));

    public static string MissingMessage(string relative) =>
        $"needs the shared face data '{relative}' (looked for ../shared/data beside the repository; set FACEGRAINS_DATA to point elsewhere)";

    private static string? Locate()
    {
        var fromEnv = Environment.GetEnvironmentVariable("FACEGRAINS_DATA");
        if (!string.IsNullOrWhiteSpace(fromEnv))
        {
            return Directory.Exists(fromEnv) ? Path.GetFullPath(fromEnv) : null;
        }

        foreach (var candidate in new[] { Path.Combine(RepositoryRoot, "..", "shared", "data"), Path.Combine(RepositoryRoot, "shared", "data") })
        {
            if (Directory.Exists(candidate))
            {
                return Path.GetFullPath(candidate);
            }
        }

        return null;
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FaceGrains.sln")))
            {
                return dir.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
