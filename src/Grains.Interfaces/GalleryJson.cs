using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace FaceGrains.Grains.Interfaces;

/// <summary>
/// The one JSON spelling of the gallery's contracts: snake_case names, enum values as snake_case strings. The REST API
/// and the command line's --json both write answers with it, so a field is named the same wherever it is read.
/// </summary>
public static class GalleryJson
{
    public static JsonSerializerOptions Options { get; } = Configure(new JsonSerializerOptions { WriteIndented = true });

    /// <summary>Applies the gallery's spelling to <paramref name="options"/> (the web host configures its own instance).</summary>
    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        return options;
    }

    /// <summary>A contract as a JSON node, spelled as the REST API spells it.</summary>
    public static JsonNode? ToNode<T>(T value) => JsonSerializer.SerializeToNode(value, Options);
}
