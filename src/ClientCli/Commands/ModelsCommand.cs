using System.CommandLine;
using System.Text.Json.Nodes;
using FaceGrains.Recognition.Calibration;
using FaceGrains.Recognition.Embedding;
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
        command.Subcommands.Add(Calibrate());
        return command;
    }

    private static Command Calibrate()
    {
        var data = new Option<DirectoryInfo>("--data") { Description = "Folder-per-person image set (e.g. LFW); every cross-identity pair is an impostor pair.", Required = true };
        var enrolled = new Option<int>("--enroll-per-identity")
        {
            Description = "K: impostor scores are taken against centroids of K images per identity, as the gallery compares probes with centroids.",
            DefaultValueFactory = _ => ImpostorCalibration.DefaultEnrolledPerIdentity,
        };
        var command = new Command("calibrate", "Measure a model version's impostor-score tail (for open-set thresholds at any gallery size) and store it beside its manifest.")
        {
            data, enrolled, CliOptions.Model, CliOptions.Crop, CliOptions.Threads, CliOptions.Provider, CliOptions.BatchSize, CliOptions.FlipAverage,
        };
        command.SetAction(parse =>
        {
            var output = new CommandOutput(parse.GetValue(CliOptions.Json));
            var model = CliModels.Resolve(parse, output);
            var crop = CliOptions.ResolveCrop(parse, model, CliOptions.PresetFor(model, parse.GetValue(data)!));
            using var embedder = new FaceEmbedder(model, CliOptions.EmbedderOptions(parse));
            var tail = output.WithProgress("embedding", progress =>
                ImpostorCalibration.CalibrateFolder(embedder, parse.GetValue(data)!.FullName, crop, progress, parse.GetValue(enrolled)));
            tail.SaveTo(model);
            var probe = new[] { 1e-2, 1e-3, 1e-4, 1e-5, 1e-6 };
            output.Result(
                new JsonObject
                {
                    ["model"] = model.Id,
                    ["crop"] = crop.ToString(),
                    ["identities"] = tail.Identities,
                    ["images"] = tail.Images,
                    ["pairs"] = tail.Pairs,
                    ["max_score"] = tail.MaxScore,
                    ["min_resolved_fmr"] = tail.MinResolvedFmr,
                    ["flip_average"] = tail.FlipAverage,
                    ["path"] = ImpostorTail.PathFor(model, tail.FlipAverage),
                    ["thresholds"] = new JsonObject(probe.Select(f => KeyValuePair.Create($"fmr_{f:0e0}", (JsonNode?)tail.ThresholdFor(f, out _)))),
                },
                console =>
                {
                    var table = new Table().AddColumns("impostor tail", "value");
                    table.AddRow("model", $"{model.ShortId} {Markup.Escape(model.Manifest.Name)}");
                    table.AddRow("crop", crop.ToString());
                    table.AddRow("identities / images / pairs", $"{tail.Identities} / {tail.Images} / {tail.Pairs:N0}");
                    table.AddRow("max impostor score", $"{tail.MaxScore:F4}");
                    foreach (var f in probe)
                    {
                        var t = tail.ThresholdFor(f, out var clamped);
                        table.AddRow($"threshold @ FMR {f:0e0}", $"{t:F4}{(clamped ? " (clamped: not resolved)" : "")}");
                    }

                    table.AddRow("stored", Markup.Escape(ImpostorTail.PathFor(model, tail.FlipAverage)));
                    console.Write(table);
                });
            return 0;
        });
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
