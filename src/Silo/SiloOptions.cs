namespace FaceGrains.Silo;

/// <summary>Settings under the "FaceGrains" configuration section (appsettings.json, FaceGrains__X env vars, --FaceGrains:X=…).</summary>
public sealed class SiloOptions
{
    public const string Section = "FaceGrains";

    /// <summary>Data directory (model store, caches). Empty: $FACEGRAINS_HOME, else ~/.facegrains.</summary>
    public string Home { get; set; } = "";

    /// <summary>Import the default face-api model on start when the model store has none.</summary>
    public bool ImportDefaultModel { get; set; } = true;
}
