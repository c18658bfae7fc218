namespace FaceGrains.Recognition;

/// <summary>
/// The local data directory: model store, caches and (for the embedded silo) grain state and faces.
/// Chosen by, in order: an explicit path, the FACEGRAINS_HOME environment variable, <c>~/.facegrains</c>.
/// </summary>
public sealed record FaceGrainsHome(string Root)
{
    public const string EnvironmentVariable = "FACEGRAINS_HOME";

    public string ModelsDirectory => Path.Combine(Root, "models");

    public string CacheDirectory => Path.Combine(Root, "cache");

    public string RunsDirectory => Path.Combine(Root, "runs");

    public static FaceGrainsHome Resolve(string? explicitPath = null)
    {
        var root = explicitPath;
        if (string.IsNullOrWhiteSpace(root))
        {
            root = Environment.GetEnvironmentVariable(EnvironmentVariable);
        }

        if (string.IsNullOrWhiteSpace(root))
        {
            root = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".facegrains");
        }

        return new FaceGrainsHome(Path.GetFullPath(root));
    }
}
