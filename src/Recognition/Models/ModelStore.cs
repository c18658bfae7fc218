using System.Security.Cryptography;

namespace FaceGrains.Recognition.Models;

/// <summary>
/// Content-addressed local model store: <c>&lt;root&gt;/&lt;sha256 of model.onnx&gt;/{model.onnx, manifest.json}</c>.
/// Versions are immutable; publishing the same bytes twice returns the existing version.
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
        var id = Convert.ToHexStringLower(SHA256.HashData(onnx));
        var stamped = manifest with { Id = id, CreatedUtc = manifest.CreatedUtc == default ? DateTimeOffset.UtcNow : manifest.CreatedUtc };
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

    /// <summary>Every version in the store, newest first.</summary>
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
            if (name.StartsWith('.') || !File.Exists(Path.Combine(dir, ManifestFileName)))
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
        if (idOrPrefix.Length == 64 && File.Exists(Path.Combine(exact, ManifestFileName)))
        {
            return Load(exact);
        }

        if (idOrPrefix.Length < 6)
        {
            throw new ModelNotFoundException($"Model id '{idOrPrefix}' is too short: give at least 6 hex digits.");
        }

        var matches = List().Where(v => v.Id.StartsWith(idOrPrefix, StringComparison.OrdinalIgnoreCase)).ToList();
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new ModelNotFoundException($"No model version '{idOrPrefix}' in {Root}. `facegrains models list` shows what is there."),
            _ => throw new ModelNotFoundException($"Model id prefix '{idOrPrefix}' is ambiguous ({matches.Count} versions)."),
        };
    }

    public bool TryFindByName(string name, out ModelVersion? version)
    {
        version = List().FirstOrDefault(v => v.Manifest.Name == name);
        return version is not null;
    }

    /// <summary>Replaces the manifest of an existing version (thresholds and evaluation results are added after publishing).</summary>
    public ModelVersion UpdateManifest(ModelManifest manifest)
    {
        var current = Get(manifest.Id);
        manifest.Validate();
        var path = Path.Combine(Root, current.Id, ManifestFileName);
        var temp = path + ".tmp";
        File.WriteAllText(temp, manifest.ToJson());
        File.Move(temp, path, overwrite: true);
        return Get(current.Id);
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
