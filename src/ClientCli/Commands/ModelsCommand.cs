using System.CommandLine;
using System.Text.Json.Nodes;
using FaceGrains.Recognition.Calibration;
using FaceGrains.Recognition.Embedding;
using FaceGrains.Recognition.Importers;
using FaceGrains.Recognition.Models;
using FaceGrains.Recognition.Preprocessing;
using Spectre.Console;

namespace FaceGrains.ClientCli.Commands;

/// <summary><c>facegrains models list | import-faceapi | calibrate | derive</c> on the local model store, and the running cluster's <see cref="ModelSwapCommands"/>.</summary>
public static class ModelsCommand
{
    public static Command Create()
    {
        var command = new Command("models", "Model versions: the local model store, and the running cluster's active version and hot swap.");
        command.Subcommands.Add(List());
        command.Subcommands.Add(ImportFaceApi());
        command.Subcommands.Add(ModelImportCommand.Create());
        command.Subcommands.Add(Calibrate());
        command.Subcommands.Add(Derive());
        command.Subcommands.Add(QuantizeFaceApi());
        foreach (var swap in ModelSwapCommands.Create())
        {
            command.Subcommands.Add(swap);
        }

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
        var command = new Command("calibrate", "Measure a model version's impostor-score tail with its own recipe (for open-set thresholds at any gallery size) and store it beside its manifest, replacing the shipped one.")
        {
            data, enrolled, CliOptions.Model, CliOptions.Aligned, CliOptions.Threads, CliOptions.Provider, CliOptions.BatchSize, CliOptions.FaceCache, CliOptions.Detector,
        };
        command.SetAction(parse =>
        {
            var output = new CommandOutput(parse.GetValue(CliOptions.Json));
            var model = CliModels.Resolve(parse, output);
            using var embedder = new FaceEmbedder(model, CliOptions.EmbedderOptions(parse));
            using var preparer = CliModels.Preparer(parse, model, output, intraOpThreads: 1);
            var tail = output.WithProgress("embedding", progress =>
                ImpostorCalibration.CalibrateFolder(embedder, preparer, parse.GetValue(data)!.FullName, progress, parse.GetValue(enrolled), parse.GetValue(CliOptions.Aligned)));
            tail.SaveTo(CliModels.Store(parse), model);
            var probe = new[] { 1e-2, 1e-3, 1e-4, 1e-5, 1e-6 };
            output.Result(
                new JsonObject
                {
                    ["model"] = model.Id,
                    ["recipe_sha256"] = tail.RecipeSha256,
                    ["source"] = tail.Source,
                    ["identities"] = tail.Identities,
                    ["images"] = tail.Images,
                    ["pairs"] = tail.Pairs,
                    ["max_score"] = tail.MaxScore,
                    ["min_resolved_fmr"] = tail.MinResolvedFmr,
                    ["path"] = ImpostorTail.PathFor(model),
                    ["thresholds"] = new JsonObject(probe.Select(f => KeyValuePair.Create($"fmr_{f:0e0}", (JsonNode?)tail.ThresholdFor(f, out _)))),
                },
                console =>
                {
                    var table = new Table().AddColumns("impostor tail", "value");
                    table.AddRow("model", $"{model.ShortId} {Markup.Escape(model.Manifest.Name)}");
                    table.AddRow("measured on", Markup.Escape(tail.Source));
                    table.AddRow("identities / images / pairs", $"{tail.Identities} / {tail.Images} / {tail.Pairs:N0}");
                    table.AddRow("max impostor score", $"{tail.MaxScore:F4}");
                    foreach (var f in probe)
                    {
                        var t = tail.ThresholdFor(f, out var clamped);
                        table.AddRow($"threshold @ FMR {f:0e0}", $"{t:F4}{(clamped ? " (clamped: not resolved)" : "")}");
                    }

                    table.AddRow("stored", Markup.Escape(ImpostorTail.PathFor(model)));
                    console.Write(table);
                });
            return 0;
        });
        return command;
    }

    private static Command Derive()
    {
        var flip = new Option<bool?>("--flip-average") { Description = "Embed each face and its mirror image and average the two (two model runs per face)." };
        var faceCrop = new Option<string?>("--face-crop") { Description = "align (detect, landmarks, warp onto the template) or center-crop (every image is a face: the fixed crop)." };
        faceCrop.AcceptOnlyFromAmong(PreprocessingSpec.AlignFaceCrop, PreprocessingSpec.CenterFaceCrop);
        var crop = new Option<string?>("--crop") { Description = "The fixed crop: 'side,center_x,center_y' as fractions (side of the shorter image side), 'full' or 'fit'." };
        var landmarks = new Option<string?>("--landmark-input") { Description = "How the landmark net's input is drawn: tensorflow or canvas." };
        landmarks.AcceptOnlyFromAmong(PreprocessingSpec.TensorFlowLandmarkInput, PreprocessingSpec.CanvasLandmarkInput);
        var name = new Option<string?>("--name") { Description = "Name of the new version (default: the source's)." };
        var command = new Command("derive", "Publish the same network with another serving recipe as a new model version (its own id, calibration and gallery): how a recipe is changed, since no setting may change a version's.")
        {
            CliOptions.Model, flip, faceCrop, crop, landmarks, name,
        };
        command.SetAction(parse =>
        {
            var output = new CommandOutput(parse.GetValue(CliOptions.Json));
            var source = CliModels.Resolve(parse, output);
            var recipe = source.Manifest.Preprocessing;
            var mode = parse.GetValue(faceCrop) ?? recipe.FaceCrop;
            recipe = recipe with
            {
                FlipAverage = parse.GetValue(flip) ?? recipe.FlipAverage,
                FaceCrop = mode,
                AlignTemplate = mode == PreprocessingSpec.AlignFaceCrop ? recipe.AlignTemplate ?? throw new InvalidOperationException($"Model {source.ShortId} has no alignment template to align with.") : null,
                Crop = parse.GetValue(crop) is { } c ? CropPolicy.Parse(c) : recipe.Crop,
                LandmarkInput = parse.GetValue(landmarks) ?? recipe.LandmarkInput,
            };
            if (recipe.Fingerprint() == source.Manifest.Preprocessing.Fingerprint())
            {
                throw new InvalidOperationException($"That is the recipe of {source.ShortId} already; give at least one of --flip-average, --face-crop, --crop, --landmark-input that changes it.");
            }

            var derived = CliModels.Store(parse).Derive(source, recipe, parse.GetValue(name), recipe.Describe());
            output.Result(Describe(derived), console => console.MarkupLine(Markup.Escape($"{derived.Id}: {derived.Manifest.Preprocessing.Describe()} (uncalibrated: run `facegrains models calibrate --model {derived.ShortId} --data <folder per person>`)")));
            return 0;
        });
        return command;
    }

    private static Command QuantizeFaceApi()
    {
        var data = new Option<DirectoryInfo>("--data") { Description = "Folder-per-person photos to measure the activation ranges on (the largest face of each, prepared by the served recipe).", Required = true };
        var images = new Option<int>("--images") { Description = "How many photos, taken evenly over the set.", DefaultValueFactory = _ => 512 };
        var percentile = new Option<double>("--percentile") { Description = "Share of each activation's values its range keeps (the rest saturate); 100 keeps them all.", DefaultValueFactory = _ => FaceApiInt8.DefaultPercentile };
        var command = new Command("quantize-faceapi", "Measure the default model's activation ranges on your photos and publish an int8 build with them as a new model version (`models import faceapi-int8` builds with the ranges the project measured).")
        {
            data, images, percentile,
        };
        command.SetAction(parse =>
        {
            var output = new CommandOutput(parse.GetValue(CliOptions.Json));
            var store = CliModels.Store(parse);
            var home = CliModels.Home(parse);
            var source = FaceApiImporter.EnsureImported(store, home.CacheDirectory, output.Log);
            var folder = parse.GetValue(data)!.FullName;
            IReadOnlyList<float[]> inputs, others;
            int skipped;
            using (var preparer = CliModels.Preparer(parse, source, output))
            {
                inputs = FaceApiInt8.PrepareInputs(preparer, folder, parse.GetValue(images), out skipped);

                // Other photos of the same set (between the measured ones), to say how close the build is to float32.
                others = FaceApiInt8.PrepareInputs(preparer, folder, parse.GetValue(images), out _, offset: 0.5);
            }

            var p = parse.GetValue(percentile);
            output.Log($"measuring activation ranges on {inputs.Count} faces ({skipped} photos passed over)");
            var weights = FaceApiImporter.ReadWeights(home.CacheDirectory, output.Log, out _);
            var ranges = FaceApiInt8.MeasureRanges(weights, inputs, p);
            var described = $"{inputs.Count} photos of {Path.GetFileName(folder.TrimEnd(Path.DirectorySeparatorChar))}, largest face by the served recipe, {p.ToString(System.Globalization.CultureInfo.InvariantCulture)}th percentile";
            var version = FaceApiInt8.Publish(store, home.CacheDirectory, ranges, described, output.Log, FaceApiInt8.MeasuredModelName);
            var embedderOptions = new EmbedderOptions { MaxBatchSize = 1 };
            using var float32 = new FaceEmbedder(source, embedderOptions);
            using var int8 = new FaceEmbedder(version, embedderOptions);
            var (mean, min) = FaceApiInt8.Agreement(float32, int8, others);
            var result = Describe(version);
            result["faces"] = inputs.Count;
            result["photos_passed_over"] = skipped;
            result["percentile"] = p;
            result["agreement_faces"] = others.Count;
            result["cosine_to_float32_mean"] = mean;
            result["cosine_to_float32_min"] = min;
            result["ranges"] = new JsonArray(ranges.Select(r => (JsonNode)new JsonArray(r.Low, r.High)).ToArray());
            output.Result(result, console => console.MarkupLine(Markup.Escape($"{version.Id}: int8 build, ranges measured on {described}; cosine to float32 on {others.Count} other faces: mean {mean:F5}, min {min:F5}")));
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
                    ["mirror"] = store.Mirror?.Describe,
                    ["models"] = new JsonArray(versions.Select(v => (JsonNode)Describe(v)).ToArray()),
                },
                console =>
                {
                    if (versions.Count == 0)
                    {
                        console.MarkupLine($"No model versions in {Markup.Escape(store.Describe)}. Run [bold]facegrains models import-faceapi[/].");
                        return;
                    }

                    if (store.Mirror is not null)
                    {
                        console.MarkupLine($"Model versions of {Markup.Escape(store.Mirror.Describe)} (FaceGrains__AzureStorage), cached in {Markup.Escape(store.Root)}:");
                    }

                    var table = new Table().AddColumns("id", "name", "embedding", "recipe", "calibrated", "created (UTC)", "source");
                    foreach (var v in versions)
                    {
                        table.AddRow(v.ShortId, Markup.Escape(v.Manifest.Name), v.Manifest.EmbeddingSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
                            Markup.Escape(v.Manifest.Preprocessing.Describe()), File.Exists(ImpostorTail.PathFor(v)) ? "yes" : "no",
                            v.Manifest.CreatedUtc.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture),
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
            // The catalogue's entry: the same import as `models import faceapi`.
            ModelImportCommand.Import(parse, new CommandOutput(parse.GetValue(CliOptions.Json)), ModelCatalogue.FaceApi);
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
        ["recipe"] = v.Manifest.Preprocessing.Describe(),
        ["recipe_sha256"] = v.Manifest.Preprocessing.Fingerprint(),
        ["calibrated"] = File.Exists(ImpostorTail.PathFor(v)),
        ["created_utc"] = v.Manifest.CreatedUtc,
        ["source"] = v.Manifest.Provenance.Source,
        ["path"] = v.OnnxPath,
    };
}
