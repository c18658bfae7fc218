using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FaceGrains.Recognition.Calibration;
using FaceGrains.Recognition.Models;

namespace FaceGrains.Recognition.Importers;

/// <summary>
/// Imports a face embedder published as a TensorFlow.js graph model in a pinned npm package: <c>npm pack</c> with the
/// integrity checked, model.json and its weight shards read, the catalogue entry's repairs applied, the graph rebuilt
/// as ONNX (<see cref="TfjsGraphConverter"/>), published with the entry's recipe and provenance, and the calibration the
/// project measured for exactly that version installed.
/// </summary>
public static class TfjsGraphImporter
{
    public static ModelVersion Import(ImportableModel entry, ModelStore store, string cacheDirectory, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(store);
        var (graph, weightsSha256) = Read(entry, cacheDirectory, log);
        log?.Invoke($"{entry.ModelFile}: {graph.Nodes.Count} nodes, {graph.Weights.Count} weight tensors; converting {entry.InputNode} → {entry.OutputNode}");
        var converted = Convert(entry, graph, log);
        var version = store.Publish(converted.Onnx, new ModelManifest
        {
            Name = entry.ModelName,
            InputName = converted.InputName,
            OutputName = converted.OutputName,
            EmbeddingSize = converted.OutputSize,
            Preprocessing = entry.Recipe,
            Distance = "cosine",
            Provenance = new ModelProvenance
            {
                Source = $"npm:{entry.PackageSpec} {entry.ModelFile} ({entry.Origin})",
                Licence = entry.Licence,
                SourceIntegrity = entry.PackageIntegrity,
                WeightsSha256 = weightsSha256,
                Notes = string.Join(" ", new[]
                {
                    entry.Notes,
                    $"Rebuilt as ONNX by FaceGrains' TFJS graph converter from {entry.InputNode} to {entry.OutputNode} ({converted.DescribeOps()}).",
                    entry.Repairs.Count > 0 ? $"Graph repairs: {string.Join(", ", entry.Repairs)}." : "",
                }.Where(s => s.Length > 0)),
            },
        });
        ShippedCalibrations.Install(store, version, log);
        return version;
    }

    /// <summary>The entry's graph and weights as the package holds them (no repairs), and the sha256 over its weight shards.</summary>
    public static (TfjsGraphModel Graph, string WeightsSha256) Read(ImportableModel entry, string cacheDirectory, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var npmCache = Path.Combine(cacheDirectory, "npm");
        // A package of many models: model.json first, then only the shards it names.
        var json = Encoding.UTF8.GetString(NpmPackage.Fetch(entry.PackageSpec, entry.PackageIntegrity, npmCache, log, p => p == entry.ModelFile).ReadFile(entry.ModelFile));
        var folder = Path.GetDirectoryName(entry.ModelFile)?.Replace('\\', '/') is { Length: > 0 } dir ? dir + "/" : "";
        var shards = ShardPaths(json).Select(p => folder + p).ToHashSet(StringComparer.Ordinal);
        var package = NpmPackage.Fetch(entry.PackageSpec, entry.PackageIntegrity, npmCache, log, shards.Contains);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var graph = TfjsGraphModel.Parse(json, path =>
        {
            var bytes = package.ReadFile(folder + path);
            sha.AppendData(bytes);
            return bytes;
        });
        return (graph, System.Convert.ToHexStringLower(sha.GetHashAndReset()));
    }

    /// <summary>The entry's repairs applied, then the graph converted and checked against the entry.</summary>
    public static ConvertedGraph Convert(ImportableModel entry, TfjsGraphModel graph, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var converted = TfjsGraphConverter.Convert(
            TfjsGraphRepairs.Apply(graph, entry.Repairs, log),
            entry.InputNode ?? throw new InvalidOperationException($"{entry.Name} names no input node."),
            entry.OutputNode ?? throw new InvalidOperationException($"{entry.Name} names no output node."),
            entry.ModelName);
        if (converted.OutputSize != entry.EmbeddingSize || converted.InputHeight != entry.Recipe.Height || converted.InputWidth != entry.Recipe.Width)
        {
            throw new InvalidDataException(
                $"{entry.ModelFile} takes {converted.InputWidth}×{converted.InputHeight} and gives {converted.OutputSize} values at {entry.OutputNode}; the catalogue says {entry.Recipe.Width}×{entry.Recipe.Height} → {entry.EmbeddingSize}.");
        }

        return converted;
    }

    private static IEnumerable<string> ShardPaths(string modelJson)
    {
        using var document = JsonDocument.Parse(modelJson);
        if (!document.RootElement.TryGetProperty("weightsManifest", out var manifest))
        {
            throw new InvalidDataException("model.json has no weightsManifest.");
        }

        return manifest.EnumerateArray().SelectMany(g => g.GetProperty("paths").EnumerateArray().Select(p => p.GetString() ?? "")).ToList();
    }
}
