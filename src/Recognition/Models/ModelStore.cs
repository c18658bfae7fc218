using System.Security.Cryptography;
using FaceGrains.Recognition.Preprocessing;

namespace FaceGrains.Recognition.Models;

/// <summary>
/// Content-addressed local model store: <c>&lt;root&gt;/&lt;version id&gt;/{model.onnx, manifest.json}</c>, the id covering
/// the ONNX bytes and the serving recipe (<see cref="ModelManifest.VersionIdFor"/>). Versions are immutable; publishing
/// the same bytes with the same recipe twice returns the existing version.
/// </summary>
public sealed class ModelStore
{
    public const string OnnxFileName = "model.onnx";
    public const string ManifestFileName = "manifest.json";

    public ModelStore(string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Root = Path.GetFullPath(root);
    }

    public string Root { get; }

    public ModelVersion Publish(byte[] onnx, ModelManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(onnx);
        ArgumentNullException.ThrowIfNull(manifest);
        manifest.Preprocessing?.Validate();
        var onnxSha = Convert.ToHexStringLower(SHA256.HashData(onnx));
        var id = ModelManifest.VersionIdFor(onnxSha, manifest.Preprocessing!);
        var stamped = manifest with
        {
            Format = ModelManifest.CurrentFormat,
            Id = id,
            OnnxSha256 = onnxSha,
            CreatedUtc = manifest.CreatedUtc == default ? DateTimeOffset.UtcNow : manifest.CreatedUtc,
        };
        stamped.Validate();

        var dir = Path.Combine(Root, id);
        if (Directory.Exists(dir) && File.Exists(Path.Combine(dir, ManifestFileName)))
        {
            return Get(id);
        }

        // Write into a temporary folder and rename, so a crash never leaves a half-written version.
        Directory.CreateDirectory(Root);
        var staging = Path.Combine(Root, $".staging-{id}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        try
        {
            File.WriteAllBytes(Path.Combine(staging, OnnxFileName), onnx);
            File.WriteAllText(Path.Combine(staging, ManifestFileName), stamped.ToJson());
            Directory.Move(staging, dir);
        }
        catch (IOException) when (Directory.Exists(dir))
        {
            // Another process published the same version first; theirs is identical.
            Directory.Delete(staging, recursive: true);
        }

        return Get(id);
    }

    /// <summary>
    /// The same network served with another recipe: a new version (its own id, calibration and gallery) whose ONNX file
    /// is a copy of <paramref name="version"/>'s. How experiments such as flip averaging or a fixed crop are evaluated and
    /// served, since no command or silo setting may change a version's recipe.
    /// </summary>
    public ModelVersion Derive(ModelVersion version, PreprocessingSpec recipe, string? name = null, string? note = null)
    {
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(recipe);
        var source = version.Manifest;
        var notes = string.IsNullOrWhiteSpace(note) ? source.Provenance.Notes : $"{source.Provenance.Notes} Derived from {version.Id}: {note}".Trim();
        return Publish(File.ReadAllBytes(version.OnnxPath), source with
        {
            Name = name ?? source.Name,
            Preprocessing = recipe,
            CreatedUtc = DateTimeOffset.UtcNow,
            Thresholds = [],
            Evaluation = [],
            Provenance = source.Provenance with { Notes = notes },
        });
    }

    /// <summary>Every version in the store, newest first. Folders written by an earlier manifest format are left out (see <see cref="Get"/>).</summary>
    public IReadOnlyList<ModelVersion> List()
    {
        if (!Directory.Exists(Root))
        {
            return [];
        }

        var versions = new List<ModelVersion>();
        foreach (var dir in Directory.EnumerateDirectories(Root))
        {
            var name = Path.GetFileName(dir);
            if (name.StartsWith('.') || !File.Exists(Path.Combine(dir, ManifestFileName)) || IsEarlierFormat(dir))
            {
                continue;
            }

            versions.Add(Load(dir));
        }

        return versions.OrderByDescending(v => v.Manifest.CreatedUtc).ToList();
    }

    /// <summary>A version by its id or a unique prefix of it (at least 6 hex digits).</summary>
    public ModelVersion Get(string idOrPrefix)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(idOrPrefix);
        var exact = Path.Combine(Root, idOrPrefix);
        if (idOrPrefix.Length == 64 && idOrPrefix.All(char.IsAsciiHexDigit) && File.Exists(Path.Combine(exact, ManifestFileName)))
        {
            return Load(exact);
        }

        if (idOrPrefix.Length < 6)
        {
            throw new ModelNotFoundException($"Model id '{idOrPrefix}' is too short: give at least 6 hex digits.");
        }

        var matches = List().Where(v => v.Id.StartsWith(idOrPrefix, StringComparison.OrdinalIgnoreCase)).ToList();
        var earlier = Directory.Exists(Root)
            ? Directory.EnumerateDirectories(Root).Where(d => Path.GetFileName(d).StartsWith(idOrPrefix, StringComparison.OrdinalIgnoreCase) && IsEarlierFormat(d)).ToList()
            : [];
        return matches.Count switch
        {
            1 => matches[0],
            0 when earlier.Count > 0 => throw new ModelNotFoundException(
                $"Model version '{idOrPrefix}' in {Root} was written by an earlier FaceGrains (manifest format < {ModelManifest.CurrentFormat}), whose ids did not cover the serving recipe. Import the model again (`facegrains models import-faceapi`); it gets a new id."),
            0 => throw new ModelNotFoundException($"No model version '{idOrPrefix}' in {Root}. `facegrains models list` shows what is there."),
            _ => throw new ModelNotFoundException($"Model id prefix '{idOrPrefix}' is ambiguous ({matches.Count} versions)."),
        };
    }

    public bool TryFindByName(string name, out ModelVersion? version)
    {
        version = List().FirstOrDefault(v => v.Manifest.Name == name);
        return version is not null;
    }

    /// <summary>
    /// Replaces the manifest of an existing version (thresholds and evaluation results are added after publishing). The
    /// recipe and the ONNX hash make the id, so a manifest that changes either is refused: derive a version instead.
    /// </summary>
    public ModelVersion UpdateManifest(ModelManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var current = Get(manifest.Id);
        if (manifest.OnnxSha256 != current.Manifest.OnnxSha256 || manifest.Preprocessing?.Fingerprint() != current.Manifest.Preprocessing.Fingerprint())
        {
            throw new InvalidOperationException($"The recipe and the ONNX file of model version {current.ShortId} are part of its id and cannot change; derive a new version (`facegrains models derive`).");
        }

        manifest.Validate();

        var path = Path.Combine(Root, current.Id, ManifestFileName);
        var temp = path + ".tmp";
        File.WriteAllText(temp, manifest.ToJson());
        File.Move(temp, path, overwrite: true);
        return Get(current.Id);
    }

    /// <summary>Whether a version folder's manifest declares a format older than this code reads.</summary>
    private static bool IsEarlierFormat(string dir)
    {
        var path = Path.Combine(dir, ManifestFileName);
        if (!File.Exists(path))
        {
            return false;
        }

        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllText(path));
            return document.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object
                && document.RootElement.TryGetProperty("format", out var format) && format.TryGetInt32(out var value) && value < ModelManifest.CurrentFormat;
        }
        catch (System.Text.Json.JsonException)
        {
            return false; // not ours to judge here: Load reports it
        }
    }

    private static ModelVersion Load(string dir)
    {
        var manifestPath = Path.Combine(dir, ManifestFileName);
        ModelManifest manifest;
        try
        {
            manifest = ModelManifest.FromJson(File.ReadAllText(manifestPath));
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new InvalidDataException($"Model manifest {manifestPath} is not valid JSON: {e.Message}", e);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"Model manifest {manifestPath} is invalid: {e.Message}", e);
        }

        return new ModelVersion(manifest, Path.Combine(dir, OnnxFileName));
    }
}
