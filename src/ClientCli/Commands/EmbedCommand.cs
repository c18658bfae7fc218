using System.CommandLine;
using System.Text.Json.Nodes;
using FaceGrains.Recognition.Embedding;
using FaceGrains.Recognition.Images;
using FaceGrains.Recognition.Preprocessing;
using Spectre.Console;

namespace FaceGrains.ClientCli.Commands;

/// <summary><c>facegrains embed &lt;image&gt;</c>: one face image → its embedding.</summary>
public static class EmbedCommand
{
    public static Command Create()
    {
        var image = new Argument<FileInfo>("image") { Description = "A face image (JPEG, PNG, GIF, BMP, WebP, PGM)." };
        var command = new Command("embed", "Embed one face image: 'embedding' is L2-normalised (what the gallery uses), 'raw' is the model's own output.")
        {
            image, CliOptions.Model, CliOptions.Crop, CliOptions.Threads, CliOptions.Provider,
        };
        command.SetAction(parse =>
        {
            var output = new CommandOutput(parse.GetValue(CliOptions.Json));
            var model = CliModels.Resolve(parse, output);
            var crop = CliOptions.ResolveCrop(parse, model);
            var file = parse.GetValue(image)!;
            var decoded = ImageDecoder.DecodeFile(file.FullName);
            using var embedder = new FaceEmbedder(model, CliOptions.EmbedderOptions(parse));
            var embedding = embedder.Embed([decoded], crop)[0];
            var rawNorm = Math.Sqrt(embedding.Raw.Sum(v => (double)v * v));
            output.Result(
                new JsonObject
                {
                    ["image"] = file.FullName,
                    ["model"] = model.Id,
                    ["crop"] = crop.ToString(),
                    ["width"] = decoded.Width,
                    ["height"] = decoded.Height,
                    ["raw_norm"] = rawNorm,
                    ["embedding"] = new JsonArray(embedding.Normalized.Select(v => (JsonNode)v).ToArray()),
                    ["raw"] = new JsonArray(embedding.Raw.Select(v => (JsonNode)v).ToArray()),
                },
                console =>
                {
                    console.MarkupLine(Markup.Escape($"{file.Name}: {decoded.Width}x{decoded.Height}, model {model.ShortId}, {embedding.Normalized.Length}-d, raw norm {rawNorm:F4}"));
                    console.MarkupLine(Markup.Escape("embedding: " + string.Join(' ', embedding.Normalized.Select(v => v.ToString("F4", System.Globalization.CultureInfo.InvariantCulture)))));
                });
            return 0;
        });
        return command;
    }
}
