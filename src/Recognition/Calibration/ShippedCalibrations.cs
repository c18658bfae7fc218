using System.Reflection;

namespace FaceGrains.Recognition.Calibration;

/// <summary>
/// Impostor tails the project measured for the versions its importers make, with exactly their serving recipe, kept
/// as data in this assembly (<c>Calibration/Shipped/*.json</c>: score/FMR points, no images). An importer installs the
/// one made for the version it imported, so a fresh install identifies at the documented operating point without a
/// calibration step. Importers are deterministic, so the version id a tail names is the id the import produces; a
/// tail whose id no import produces any more (the importer or the recipe changed) is never installed, and the tests
/// say so.
/// </summary>
public static class ShippedCalibrations
{
    private const string ResourcePrefix = "FaceGrains.Recognition.Calibration.Shipped.";

    /// <summary>Every shipped tail, by the model version id it was measured for.</summary>
    public static IReadOnlyDictionary<string, ImpostorTail> All { get; } = Load();

    /// <summary>
    /// Writes the shipped tail of <paramref name="version"/> beside its manifest unless the version has one already
    /// (an operator's own calibration is never overwritten). Returns the installed or existing tail, or null when the
    /// project ships none for this version.
    /// </summary>
    public static ImpostorTail? Install(Models.ModelStore store, Models.ModelVersion version, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(version);
        if (File.Exists(ImpostorTail.PathFor(version)))
        {
            return ImpostorTail.TryLoad(version);
        }

        if (!All.TryGetValue(version.Id, out var tail))
        {
            log?.Invoke($"no shipped calibration for model version {version.ShortId}: measure one with `facegrains models calibrate --model {version.ShortId} --data <folder per person>`");
            return null;
        }

        tail.SaveTo(store, version);
        log?.Invoke($"installed the shipped calibration of {version.ShortId} ({tail.Pairs:N0} impostor comparisons: {tail.Source})");
        return tail;
    }

    private static Dictionary<string, ImpostorTail> Load()
    {
        var assembly = typeof(ShippedCalibrations).Assembly;
        var tails = new Dictionary<string, ImpostorTail>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            var tail = ImpostorTail.FromJson(reader.ReadToEnd());
            tails.Add(tail.ModelId, tail);
        }

        return tails;
    }
}
