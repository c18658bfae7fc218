using System.Text;
using System.Text.Json;

namespace FaceGrains.Recognition.Importers;

/// <summary>
/// Edits of a converted graph that undo a known fault of the conversion that made it, by name, so a catalogue entry
/// says which it needs and the reference script (scripts/tfjs-reference) applies the same edit before running the
/// original runtime on it.
/// </summary>
public static class TfjsGraphRepairs
{
    /// <summary>
    /// "unfuse-relu-before-prelu": TensorFlow's graph optimiser folded the ReLU of a PReLU written as
    /// <c>relu(x) + α·(x − |x|)</c> into the convolution producing x (<c>fused_ops: [BiasAdd, Relu]</c>) although Abs
    /// and Sub still read x: they then read relu(x), x − |x| is 0 and the PReLU is a plain ReLU. The edit takes the Relu
    /// out of the fused op and puts it back as its own node, read by the Add alone.
    /// </summary>
    public const string UnfuseReluBeforePrelu = "unfuse-relu-before-prelu";

    public static IReadOnlyList<string> Known { get; } = [UnfuseReluBeforePrelu];

    /// <summary>Applies the named repairs in order; <paramref name="log"/> says how many nodes each changed.</summary>
    public static TfjsGraphModel Apply(TfjsGraphModel model, IEnumerable<string> repairs, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(repairs);
        foreach (var repair in repairs)
        {
            var (repaired, changed) = repair switch
            {
                UnfuseReluBeforePrelu => UnfuseRelu(model),
                _ => throw new ArgumentException($"Unknown graph repair '{repair}' (known: {string.Join(", ", Known)})."),
            };
            if (changed == 0)
            {
                throw new InvalidDataException($"Graph repair '{repair}' found nothing to repair: the graph is not the one it was written for.");
            }

            log?.Invoke($"graph repair {repair}: {changed} node(s)");
            model = repaired;
        }

        return model;
    }

    private static (TfjsGraphModel Model, int Changed) UnfuseRelu(TfjsGraphModel model)
    {
        var consumers = model.Nodes.SelectMany(n => n.Inputs.Select(i => (Input: i, Node: n)))
            .ToLookup(p => p.Input, p => p.Node, StringComparer.Ordinal);
        var nodes = model.Nodes.ToList();
        var rewired = new Dictionary<string, string>(StringComparer.Ordinal); // Add node → (fused node → its new Relu)
        var added = new List<TfjsGraphNode>();
        for (var i = 0; i < nodes.Count; i++)
        {
            var node = nodes[i];
            var fused = node.Strings("fused_ops");
            if (node.Op is not ("_FusedConv2D" or "FusedDepthwiseConv2dNative") || fused is not ["BiasAdd", "Relu"]
                || !consumers[node.Name].Any(c => c.Op == "Abs"))
            {
                continue;
            }

            var attributes = node.Attributes.ToDictionary(StringComparer.Ordinal);
            attributes["fused_ops"] = JsonSerializer.SerializeToElement(new { list = new { s = new[] { Convert.ToBase64String(Encoding.UTF8.GetBytes("BiasAdd")) } } });
            nodes[i] = node.With(attributes: attributes);
            var relu = new TfjsGraphNode($"{node.Name}/unfused_relu", "Relu", [node.Name], new Dictionary<string, JsonElement>());
            added.Add(relu);
            foreach (var add in consumers[node.Name].Where(c => c.Op is "Add" or "AddV2"))
            {
                rewired[$"{add.Name}|{node.Name}"] = relu.Name;
            }
        }

        if (added.Count == 0)
        {
            return (model, 0);
        }

        for (var i = 0; i < nodes.Count; i++)
        {
            var node = nodes[i];
            if (node.Op is "Add" or "AddV2" && node.Inputs.Any(x => rewired.ContainsKey($"{node.Name}|{x}")))
            {
                nodes[i] = node.With(inputs: node.Inputs.Select(x => rewired.GetValueOrDefault($"{node.Name}|{x}", x)).ToList());
            }
        }

        return (model.WithNodes([.. nodes, .. added]), added.Count);
    }
}
