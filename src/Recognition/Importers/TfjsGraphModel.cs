using System.Text.Json;

namespace FaceGrains.Recognition.Importers;

/// <summary>
/// A TensorFlow.js graph model (model.json with <c>"format": "graph-model"</c>): the network's own architecture as a
/// TensorFlow GraphDef in JSON, and the values of its Const nodes in the binary weight shards the manifest names,
/// read per tensor as the manifest says (dtype and quantisation: <see cref="TfjsWeights"/>).
/// </summary>
public sealed class TfjsGraphModel
{
    private TfjsGraphModel(IReadOnlyList<TfjsGraphNode> nodes, IReadOnlyDictionary<string, TfjsTensor> weights, string? convertedBy, string? generatedBy)
    {
        Nodes = nodes;
        Weights = weights;
        ConvertedBy = convertedBy;
        GeneratedBy = generatedBy;
    }

    /// <summary>The GraphDef's nodes in file order.</summary>
    public IReadOnlyList<TfjsGraphNode> Nodes { get; }

    /// <summary>Const values by node name, in TensorFlow's layout.</summary>
    public IReadOnlyDictionary<string, TfjsTensor> Weights { get; }

    /// <summary>model.json's "convertedBy" (who converted it).</summary>
    public string? ConvertedBy { get; }

    /// <summary>model.json's "generatedBy" (the source framework or project).</summary>
    public string? GeneratedBy { get; }

    /// <param name="modelJson">The model.json text.</param>
    /// <param name="readShard">The bytes of a weight shard named in the manifest's "paths" (relative to model.json).</param>
    public static TfjsGraphModel Parse(string modelJson, Func<string, byte[]> readShard)
    {
        ArgumentNullException.ThrowIfNull(modelJson);
        ArgumentNullException.ThrowIfNull(readShard);
        using var document = JsonDocument.Parse(modelJson);
        var root = document.RootElement;
        var format = root.TryGetProperty("format", out var f) ? f.GetString() : null;
        if (format != "graph-model")
        {
            throw new InvalidDataException($"model.json has format '{format}', not 'graph-model' (a layers model needs an architecture written for it).");
        }

        if (!root.TryGetProperty("modelTopology", out var topology) || !topology.TryGetProperty("node", out var nodeList))
        {
            throw new InvalidDataException("model.json has no modelTopology.node list.");
        }

        var nodes = nodeList.EnumerateArray().Select(TfjsGraphNode.FromJson).ToList();
        var duplicate = nodes.GroupBy(n => n.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidDataException($"model.json names node '{duplicate.Key}' {duplicate.Count()} times.");
        }

        var weights = TfjsWeights.Read(root.GetProperty("weightsManifest").GetRawText(), readShard);
        return new TfjsGraphModel(nodes, weights, Text(root, "convertedBy"), Text(root, "generatedBy"));
    }

    /// <summary>The same weights under other nodes (a graph repair).</summary>
    public TfjsGraphModel WithNodes(IReadOnlyList<TfjsGraphNode> nodes) => new(nodes, Weights, ConvertedBy, GeneratedBy);

    private static string? Text(JsonElement root, string property) =>
        root.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
