using System.Security.Cryptography;
using FaceGrains.Recognition.Preprocessing;

namespace FaceGrains.Recognition.Models;

/// <summary>
/// Content-addressed local model store: <c>&lt;root&gt;/&lt;version id&gt;/{model.onnx, manifest.json}</c>, the id covering
/// the ONNX bytes and the serving recipe (<see cref="ModelManifest.VersionIdFor"/>). Versions are immutable; publishing
/// the same bytes with the same recipe twice returns the existing version.
/// <para>
/// With a <see cref="IModelMirror"/> (the <c>azure</c> profile) the folder is a cache of the mirror, which every silo
/// and tool of the cluster shares: publishing and manifest updates go to both; <see cref="Get"/> fetches a version the
/// folder lacks and takes the mirror's manifest when it differs (a calibration made on another machine); a version
/// found only in the folder is added to the mirror. So every version this store hands out is in both places.
/// </para>
/// </summary>
public sealed class ModelStore
{
    public const string OnnxFileName = "model.onnx";
    public const string ManifestFileName = "manifest.json";

    public ModelStore(string root, IModelMirror? mirror = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Root = Path.GetFullPath(root);
        Mirror = mirror;
    }

    public string Root { get; }

    /// <summary>Where versions are shared with other machines, or null (this folder alone).</summary>
    public IModelMirror? Mirror { get; }

    /// <summary>Where versions are, for messages: the folder, and the mirror when there is one.</summary>
    public string Describe => Mirror is null ? Root : $"{Root} (cache of {Mirror.Describe})";

    /// <summary>The store a command-line tool uses: <see cref="For"/> with the account of FaceGrains__AzureStorage, if set.</summary>
    public static ModelStore ForEnvironment(FaceGrainsHome home) => For(home, Storage.AzureStorageAccount.FromEnvironment());

    /// <summary>The store of a data directory: <c>&lt;home&gt;/models</c>, mirrored to the account given (if any).</summary>
    public static ModelStore For(FaceGrainsHome home, Storage.AzureStorageAccount? account) =>
        new(home.ModelsDirectory, account is null ? null : new BlobModelMirror(account));

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

        if (Mirror?.ReadText(id, ManifestFileName) is not null)
        {
            return Get(id); // published on another machine: fetched
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

    /// <summary>
    /// Every version in the store, newest first. Folders written by an earlier manifest format are left out (see
    /// <see cref="Get"/>). With a mirror, the versions of both: a version only the mirror holds is cached without its
    /// ONNX file (a listing reads manifests and calibrations, not networks; <see cref="Get"/> fetches the ONNX file when
    /// the version is used), and a version only the folder holds is added to the mirror.
    /// </summary>
    public IReadOnlyList<ModelVersion> List()
    {
        if (Mirror is not null)
        {
            var local = ListLocal().Select(v => v.Id).ToHashSet(StringComparer.Ordinal);
            var remote = Mirror.ListIds().ToHashSet(StringComparer.Ordinal);
            foreach (var id in remote.Where(id => !local.Contains(id) && id.Length == 64 && id.All(char.IsAsciiHexDigitLower)))
            {
                Fetch(id, withOnnx: false);
            }

            foreach (var id in local.Where(id => !remote.Contains(id)))
            {
                Share(Load(Path.Combine(Root, id)));
            }
        }

        return ListLocal();
    }

    private List<ModelVersion> ListLocal()
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
            return WithOnnx(Share(Load(exact)));
        }

        if (idOrPrefix.Length < 6)
        {
            throw new ModelNotFoundException($"Model id '{idOrPrefix}' is too short: give at least 6 hex digits.");
        }

        if (Mirror is not null)
        {
            var local = ListLocal().Where(v => v.Id.StartsWith(idOrPrefix, StringComparison.OrdinalIgnoreCase)).ToList();
            if (local.Count == 1)
            {
                return WithOnnx(Share(local[0]));
            }

            var remote = Mirror.ListIds().Where(id => id.StartsWith(idOrPrefix, StringComparison.OrdinalIgnoreCase)).ToList();
            if (local.Count == 0 && remote.Count == 1)
            {
                return Fetch(remote[0], withOnnx: true);
            }
        }

        var matches = ListLocal().Where(v => v.Id.StartsWith(idOrPrefix, StringComparison.OrdinalIgnoreCase)).ToList();
        var earlier = Directory.Exists(Root)
            ? Directory.EnumerateDirectories(Root).Where(d => Path.GetFileName(d).StartsWith(idOrPrefix, StringComparison.OrdinalIgnoreCase) && IsEarlierFormat(d)).ToList()
            : [];
        return matches.Count switch
        {
            1 => WithOnnx(matches[0]),
            0 when earlier.Count > 0 => throw new ModelNotFoundException(
                $"Model version '{idOrPrefix}' in {Root} was written by an earlier FaceGrains (manifest format < {ModelManifest.CurrentFormat}), whose ids did not cover the serving recipe. Import the model again (`facegrains models import-faceapi`); it gets a new id."),
            0 => throw new ModelNotFoundException($"No model version '{idOrPrefix}' in {Describe}. `facegrains models list` shows what is there."),
            _ => throw new ModelNotFoundException($"Model id prefix '{idOrPrefix}' is ambiguous ({matches.Count} versions)."),
        };
    }

    public bool TryFindByName(string name, out ModelVersion? version)
    {
        version = Find(m => m.Name == name);
        return version is not null;
    }

    /// <summary>The newest version whose manifest matches, ready to use (its ONNX file fetched when only listed), or null.</summary>
    public ModelVersion? Find(Func<ModelManifest, bool> match)
    {
        ArgumentNullException.ThrowIfNull(match);
        return List().FirstOrDefault(v => match(v.Manifest)) is { } found ? Get(found.Id) : null;
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

        WriteManifest(current.Id, manifest.ToJson());
        return Get(current.Id);
    }

    /// <summary>
    /// Writes a small file beside a version's manifest (its impostor tail) atomically, and into the mirror: how a
    /// calibration made on one machine reaches every silo.
    /// </summary>
    public void WriteFile(ModelVersion version, string fileName, string text)
    {
        ArgumentNullException.ThrowIfNull(version);
        CheckFileName(fileName);
        var path = Path.Combine(Path.GetDirectoryName(version.OnnxPath)!, fileName);
        var temp = $"{path}.{Guid.NewGuid():N}.tmp"; // several processes may write the same file at once
        File.WriteAllText(temp, text);
        File.Move(temp, path, overwrite: true);
        Mirror?.UploadText(version.Id, fileName, text);
    }

    private void WriteManifest(string id, string json) => WriteFile(new ModelVersion(ModelManifest.FromJson(json), Path.Combine(Root, id, OnnxFileName)), ManifestFileName, json);

    /// <summary>
    /// A local version, also in the mirror. The mirror lacks it: every file is added (the manifest last). The mirror
    /// has it: its small files are taken where they differ (the mirror is where every machine's calibrations meet), and
    /// a file only the folder has is added.
    /// </summary>
    private ModelVersion Share(ModelVersion version)
    {
        if (Mirror is null)
        {
            return version;
        }

        var dir = Path.Combine(Root, version.Id);
        var localFiles = Directory.EnumerateFiles(dir).Select(Path.GetFileName).OfType<string>().Where(IsVersionFile).ToList();
        if (Mirror.ReadText(version.Id, ManifestFileName) is null)
        {
            foreach (var file in localFiles.Where(f => f != ManifestFileName).Order(StringComparer.Ordinal))
            {
                Mirror.Upload(version.Id, file, Path.Combine(dir, file));
            }

            Mirror.Upload(version.Id, ManifestFileName, Path.Combine(dir, ManifestFileName));
            return version;
        }

        var remoteFiles = Mirror.ListFiles(version.Id).Where(IsVersionFile).ToHashSet(StringComparer.Ordinal);
        var changed = false;
        foreach (var file in remoteFiles.Where(f => f != OnnxFileName))
        {
            var path = Path.Combine(dir, file);
            var remote = Mirror.ReadText(version.Id, file);
            if (remote is not null && (!File.Exists(path) || File.ReadAllText(path) != remote))
            {
                if (file == ManifestFileName)
                {
                    _ = ModelManifest.FromJson(remote); // a broken manifest never replaces a good one
                }

                var temp = $"{path}.{Guid.NewGuid():N}.tmp";
                File.WriteAllText(temp, remote);
                File.Move(temp, path, overwrite: true);
                changed = true;
            }
        }

        foreach (var file in localFiles.Where(f => !remoteFiles.Contains(f)))
        {
            Mirror.Upload(version.Id, file, Path.Combine(dir, file));
        }

        return changed ? Load(dir) : version;
    }

    /// <summary>
    /// Copies a version from the mirror into the folder (staged and renamed, as <see cref="Publish"/> writes); without
    /// <paramref name="withOnnx"/>, every file but the ONNX file (<see cref="WithOnnx"/> adds it on first use).
    /// </summary>
    private ModelVersion Fetch(string id, bool withOnnx)
    {
        var mirror = Mirror!;
        var manifest = mirror.ReadText(id, ManifestFileName) ?? throw new ModelNotFoundException($"Model version {id} is not in {mirror.Describe}.");
        var dir = Path.Combine(Root, id);
        Directory.CreateDirectory(Root);
        var staging = Path.Combine(Root, $".staging-{id}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        try
        {
            foreach (var file in mirror.ListFiles(id).Where(f => IsVersionFile(f) && f != ManifestFileName && (withOnnx || f != OnnxFileName)))
            {
                mirror.Download(id, file, Path.Combine(staging, file));
            }

            var parsed = ModelManifest.FromJson(manifest);
            if (withOnnx)
            {
                CheckOnnx(id, Path.Combine(staging, OnnxFileName), parsed.OnnxSha256);
            }

            File.WriteAllText(Path.Combine(staging, ManifestFileName), manifest);
            Directory.Move(staging, dir);
        }
        catch (IOException) when (Directory.Exists(dir))
        {
            // Fetched by another process sharing this folder first.
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }

        return Load(dir);
    }

    /// <summary>A version ready to run: its ONNX file fetched from the mirror (and checked) when the folder holds only its manifest.</summary>
    private ModelVersion WithOnnx(ModelVersion version)
    {
        if (File.Exists(version.OnnxPath))
        {
            return version;
        }

        if (Mirror is null)
        {
            throw new InvalidDataException($"Model version {version.ShortId} in {Root} has no {OnnxFileName}: publish or import it again.");
        }

        var temp = $"{version.OnnxPath}.{Guid.NewGuid():N}.tmp";
        try
        {
            Mirror.Download(version.Id, OnnxFileName, temp);
            CheckOnnx(version.Id, temp, version.Manifest.OnnxSha256);
            File.Move(temp, version.OnnxPath, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }

        return version;
    }

    /// <summary>Refuses an ONNX file fetched from the mirror whose sha256 is not the one its manifest records.</summary>
    private void CheckOnnx(string id, string path, string expectedSha256)
    {
        var sha = File.Exists(path) ? Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))) : "(missing)";
        if (sha != expectedSha256)
        {
            throw new InvalidDataException($"Model version {id} in {Mirror!.Describe} is damaged: its ONNX file's sha256 is {sha}, its manifest says {expectedSha256}.");
        }
    }

    /// <summary>A file that belongs to a version (not a temporary or hidden one).</summary>
    private static bool IsVersionFile(string name) => !name.StartsWith('.') && !name.EndsWith(".tmp", StringComparison.Ordinal) && !name.Contains('/', StringComparison.Ordinal);

    private static void CheckFileName(string fileName)
    {
        if (string.IsNullOrWhiteSpace(fileName) || fileName != Path.GetFileName(fileName) || !IsVersionFile(fileName) || fileName == OnnxFileName)
        {
            throw new ArgumentException($"'{fileName}' is not a file name a version may hold beside its manifest.", nameof(fileName));
        }
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
