using System.CommandLine;
using System.Text.Json.Nodes;
using FaceGrains.Recognition.Importers;
using FaceGrains.Recognition.Models;
using Spectre.Console;

namespace FaceGrains.ClientCli.Commands;

/// <summary><c>facegrains models list | import-faceapi</c>.</summary>
public static class ModelsCommand
{
    public static Command Create()
    {
        var command = new Command("models", "Model versions in the local model store.");
        command.Subcommands.Add(List());
        command.Subcommands.Add(ImportFaceApi());
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "List model versions, newest first.");
        command.SetAction(parse =>
        {
            var output = new CommandOutput(parse.GetValue(CliOptions.Json));
            var store = CliModels.Store(parse);
            var versions = store.List();
            output.Result(
                new JsonObject
                {
                    ["store"] = store.Root,
                    ["models"] = new JsonArray(versions.Select(v => (JsonNode)Describe(v)).ToArray()),
                },
                console =>
                {
                    if (versions.Count == 0)
                    {
                        console.MarkupLine($"No model versions in {Markup.Escape(store.Root)}. Run [bold]facegrains models import-faceapi[/].");
                        return;
                    }

                    var table = new Table().AddColumns("id", "name", "embedding", "input", "created (UTC)", "source");
                    foreach (var v in versions)
                    {
                        var p = v.Manifest.Preprocessing;
                        table.AddRow(v.ShortId, Markup.Escape(v.Manifest.Name), v.Manifest.EmbeddingSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
                            $"{p.Width}x{p.Height}", v.Manifest.CreatedUtc.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture),
                            Markup.Escape(v.Manifest.Provenance.Source));
                    }

                    console.Write(table);
                });
            return 0;
        });
        return command;
    }

    private static Command ImportFaceApi()
    {
        var command = new Command("import-faceapi", $"Import face-api.js's face recognition model (dlib ResNet, 128-d) from npm {FaceApiImporter.PackageSpec}; prints the model version id.");
        command.SetAction(parse =>
        {
            var output = new CommandOutput(parse.GetValue(CliOptions.Json));
            var home = CliModels.Home(parse);
            var version = FaceApiImporter.Import(new ModelStore(home.ModelsDirectory), home.CacheDirectory, output.Log);
            output.Result(Describe(version), console => console.MarkupLine(Markup.Escape(version.Id)));
            return 0;
        });
        return command;
    }

    public static JsonObject Describe(ModelVersion v) => new()
    {
        ["id"] = v.Id,
        ["name"] = v.Manifest.Name,
        ["embedding_size"] = v.Manifest.EmbeddingSize,
        ["input"] = $"{v.Manifest.Preprocessing.Width}x{v.Manifest.Preprocessing.Height}",
        ["crop"] = v.Manifest.Preprocessing.Crop.ToString(),
        ["created_utc"] = v.Manifest.CreatedUtc,
        ["source"] = v.Manifest.Provenance.Source,
        ["path"] = v.OnnxPath,
    };
}
