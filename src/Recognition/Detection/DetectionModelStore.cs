using System.Security.Cryptography;
using System.Text.Json;

namespace FaceGrains.Recognition.Detection;

/// <summary>
/// Content-addressed store for the detection-stage networks: <c>&lt;root&gt;/&lt;sha256 of model.onnx&gt;/{model.onnx,
/// info.json, companion files}</c>, beside the model store rather than in it. A <see cref="Models.ModelStore"/>
/// version is an embedder the gallery activates, with an embedding size, a distance and thresholds; a detector has
/// none of these and is never activated or listed among model versions. It is immutable and addressed by its bytes
/// the same way, so a manifest can name the exact detector it was evaluated with.
/// </summary>
public sealed class DetectionModelStore
{
    public const string OnnxFileName = "model.onnx";
    public const string InfoFileName = "info.json";

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    public DetectionModelStore(string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Root = Path.GetFullPath(root);
    }

    /// <summary>The store beside <paramref name="home"/>'s model store: <c>&lt;home&gt;/detection</c>.</summary>
    public static DetectionModelStore In(FaceGrainsHome home) => new(Path.Combine(home.Root, "detection"));

    public string Root { get; }

    public DetectionModel Publish(byte[] onnx, DetectionModelInfo info, IReadOnlyDictionary<string, byte[]>? files = null)
    {
        ArgumentNullException.ThrowIfNull(onnx);
        ArgumentNullException.ThrowIfNull(info);
        var id = Convert.ToHexStringLower(SHA256.HashData(onnx));
        var dir = Path.Combine(Root, id);
        if (File.Exists(Path.Combine(dir, InfoFileName)))
        {
            return Load(dir);
        }

        var stamped = info with { Id = id, CreatedUtc = info.CreatedUtc == default ? DateTimeOffset.UtcNow : info.CreatedUtc };
        Directory.CreateDirectory(Root);
        var staging = Path.Combine(Root, $".staging-{id}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        try
        {
            File.WriteAllBytes(Path.Combine(staging, OnnxFileName), onnx);
            foreach (var (name, bytes) in files ?? new Dictionary<string, byte[]>())
            {
                if (name is OnnxFileName or InfoFileName || name.Contains('/') || name.Contains('\\'))
                {
                    throw new ArgumentException($"Companion file name '{name}' is reserved or not a plain name.", nameof(files));
                }

                File.WriteAllBytes(Path.Combine(staging, name), bytes);
            }

            // info.json last: its presence marks a complete version.
            File.WriteAllText(Path.Combine(staging, InfoFileName), JsonSerializer.Serialize(stamped, JsonOptions));
            Directory.Move(staging, dir);
        }
        catch (IOException) when (Directory.Exists(dir))
        {
            Directory.Delete(staging, recursive: true);
        }
        catch
        {
            Directory.Delete(staging, recursive: true);
            throw;
        }

        return Load(dir);
    }

    /// <summary>The newest stored model named <paramref name="name"/>, if any.</summary>
    public DetectionModel? FindByName(string name)
    {
        if (!Directory.Exists(Root))
        {
            return null;
        }

        return Directory.EnumerateDirectories(Root)
            .Where(d => !Path.GetFileName(d).StartsWith('.') && File.Exists(Path.Combine(d, InfoFileName)))
            .Select(Load)
            .Where(m => m.Info.Name == name)
            .OrderByDescending(m => m.Info.CreatedUtc)
            .FirstOrDefault();
    }

    private static DetectionModel Load(string dir)
    {
        var path = Path.Combine(dir, InfoFileName);
        var info = JsonSerializer.Deserialize<DetectionModelInfo>(File.ReadAllText(path), JsonOptions)
            ?? throw new InvalidDataException($"{path} is empty.");
        return new DetectionModel(info, dir);
    }
}
