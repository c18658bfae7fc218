using System.Globalization;
using System.Text;
using System.Text.Json;

namespace FaceGrains.Recognition.Importers;

/// <summary>
/// One node of a TensorFlow.js graph model's GraphDef (model.json's <c>modelTopology.node</c>): its name, op and data
/// inputs (control inputs, "^name", dropped: nothing here runs for its side effects), and its attributes as the
/// converter wrote them (AttrValue as JSON: strings base64, int64 as decimal strings).
/// </summary>
public sealed record TfjsGraphNode(string Name, string Op, IReadOnlyList<string> Inputs, IReadOnlyDictionary<string, JsonElement> Attributes)
{
    /// <summary>Reads one node; the attribute values are cloned, so they outlive the parsed document.</summary>
    public static TfjsGraphNode FromJson(JsonElement node)
    {
        var name = node.GetProperty("name").GetString() ?? throw new InvalidDataException("A graph node has no name.");
        var op = node.GetProperty("op").GetString() ?? throw new InvalidDataException($"Graph node '{name}' has no op.");
        var inputs = new List<string>();
        if (node.TryGetProperty("input", out var list))
        {
            foreach (var input in list.EnumerateArray())
            {
                var text = input.GetString() ?? "";
                if (text.StartsWith('^'))
                {
                    continue;
                }

                // "name:0" is the node's first output, the only one the ops read here produce.
                inputs.Add(text.EndsWith(":0", StringComparison.Ordinal) ? text[..^2] : text);
            }
        }

        var attributes = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (node.TryGetProperty("attr", out var attr))
        {
            foreach (var a in attr.EnumerateObject())
            {
                attributes[a.Name] = a.Value.Clone();
            }
        }

        return new TfjsGraphNode(name, op, inputs, attributes);
    }

    /// <summary>A string attribute ("padding", "data_format"), decoded from base64; null when absent.</summary>
    public string? String(string attribute) =>
        Attributes.TryGetValue(attribute, out var value) && value.TryGetProperty("s", out var s)
            ? Encoding.UTF8.GetString(Convert.FromBase64String(s.GetString() ?? ""))
            : null;

    /// <summary>A list-of-strings attribute ("fused_ops"), each decoded from base64; empty when absent.</summary>
    public IReadOnlyList<string> Strings(string attribute) =>
        Attributes.TryGetValue(attribute, out var value) && value.TryGetProperty("list", out var list) && list.TryGetProperty("s", out var s)
            ? s.EnumerateArray().Select(e => Encoding.UTF8.GetString(Convert.FromBase64String(e.GetString() ?? ""))).ToList()
            : [];

    /// <summary>A list-of-ints attribute ("strides", "squeeze_dims"); empty when absent.</summary>
    public long[] Ints(string attribute) =>
        Attributes.TryGetValue(attribute, out var value) && value.TryGetProperty("list", out var list) && list.TryGetProperty("i", out var i)
            ? i.EnumerateArray().Select(ParseInt).ToArray()
            : [];

    /// <summary>An int attribute ("num_args"); null when absent.</summary>
    public long? Int(string attribute) =>
        Attributes.TryGetValue(attribute, out var value) && value.TryGetProperty("i", out var i) ? ParseInt(i) : null;

    /// <summary>A float attribute ("epsilon", "leakyrelu_alpha"); null when absent.</summary>
    public float? Float(string attribute) =>
        Attributes.TryGetValue(attribute, out var value) && value.TryGetProperty("f", out var f) ? f.GetSingle() : null;

    /// <summary>A bool attribute ("keep_dims", "transpose_b"); false when absent, as TensorFlow defaults them.</summary>
    public bool Bool(string attribute) =>
        Attributes.TryGetValue(attribute, out var value) && value.TryGetProperty("b", out var b) && b.GetBoolean();

    /// <summary>The dimensions of a "shape" attribute (a Placeholder's), -1 for unknown; null when absent.</summary>
    public int[]? Shape(string attribute)
    {
        if (!Attributes.TryGetValue(attribute, out var value) || !value.TryGetProperty("shape", out var shape))
        {
            return null;
        }

        return shape.TryGetProperty("dim", out var dims)
            ? dims.EnumerateArray().Select(d => d.TryGetProperty("size", out var size) ? (int)ParseInt(size) : -1).ToArray()
            : [];
    }

    /// <summary>The same node reading other inputs or attributes (graph repairs).</summary>
    public TfjsGraphNode With(IReadOnlyList<string>? inputs = null, IReadOnlyDictionary<string, JsonElement>? attributes = null) =>
        this with { Inputs = inputs ?? Inputs, Attributes = attributes ?? Attributes };

    public override string ToString() => $"{Op} '{Name}'";

    private static long ParseInt(JsonElement e) =>
        e.ValueKind == JsonValueKind.Number ? e.GetInt64() : long.Parse(e.GetString() ?? "0", NumberStyles.Integer, CultureInfo.InvariantCulture);
}
