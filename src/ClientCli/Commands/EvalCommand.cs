using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using FaceGrains.Recognition.Datasets;
using FaceGrains.Recognition.Embedding;
using FaceGrains.Recognition.Evaluation;
using FaceGrains.Recognition.Models;
using FaceGrains.Recognition.Preprocessing;
using FaceGrains.Recognition.Protocols;
using Spectre.Console;

namespace FaceGrains.ClientCli.Commands;

/// <summary><c>facegrains eval lfw | openset</c>: accuracy of a model version on real face sets.</summary>
public static class EvalCommand
{
    private static readonly Option<DirectoryInfo> Data = new("--data")
    {
        Description = "The face set folder.",
        Required = true,
    };

    private static readonly Option<string?> Plots = new("--plots")
    {
        Description = "Folder for the ROC/DET PNGs. Default: <home>/reports.",
    };

    /// <summary>The manifest preset for LFW's 250×250 deep-funneled frames, used by eval lfw unless --crop says otherwise.</summary>
    public const string LfwCropPreset = "lfw";

    public static Command Create()
    {
        var command = new Command("eval", "Evaluate a model version on real face sets.");
        command.Subcommands.Add(Lfw());
        command.Subcommands.Add(OpenSet());
        return command;
    }

    private static Command Lfw()
    {
        var record = new Option<bool>("--record")
        {
            Description = "Store the measured thresholds (EER, FAR 1e-2/1e-3/1e-4) and results in the model version's manifest.",
        };
        var command = new Command("lfw", "LFW View 2 verification from <data>/pairs.txt: 10-fold accuracy, EER, AUC, TAR@FAR.")
        {
            Data, CliOptions.Model, CliOptions.Crop, Plots, record, CliOptions.Threads, CliOptions.Provider, CliOptions.BatchSize,
        };
        command.SetAction(parse =>
        {
            var output = new CommandOutput(parse.GetValue(CliOptions.Json));
            var model = CliModels.Resolve(parse, output);
            var crop = CliOptions.ResolveCrop(parse, model, LfwCropPreset);
            using var embedder = new FaceEmbedder(model, CliOptions.EmbedderOptions(parse));
            var clock = Stopwatch.StartNew();
            var report = output.WithProgress("embedding LFW", progress =>
                LfwVerificationProtocol.Run(embedder, parse.GetValue(Data)!.FullName, crop, progress));
            var seconds = clock.Elapsed.TotalSeconds;

            var stem = Path.Combine(PlotFolder(parse), $"lfw-{model.ShortId}-{Stamp()}");
            EvaluationPlots.SaveRoc(report.Verification, stem + "-roc.png", $"LFW View 2 ROC ({model.Manifest.Name})");
            EvaluationPlots.SaveDet(report.Verification, stem + "-det.png", $"LFW View 2 DET ({model.Manifest.Name})");
            if (parse.GetValue(record))
            {
                Record(parse, model, report);
            }

            var v = report.Verification;
            var payload = new JsonObject
            {
                ["model"] = model.Id,
                ["crop"] = crop.ToString(),
                ["pairs"] = report.PairCount,
                ["images"] = report.ImageCount,
                ["accuracy_mean"] = report.Accuracy.Mean,
                ["accuracy_std"] = report.Accuracy.StandardDeviation,
                ["accuracy_stderr"] = report.Accuracy.StandardError,
                ["eer"] = v.Eer,
                ["eer_threshold"] = v.EerThreshold,
                ["auc"] = v.Auc,
                ["missing_pairs"] = report.MissingPairs,
                ["roc_plot"] = stem + "-roc.png",
                ["det_plot"] = stem + "-det.png",
                ["seconds"] = seconds,
                ["images_per_second"] = report.ImageCount / seconds,
            };
            foreach (var t in v.TarAtFar)
            {
                payload[$"tar_at_far_{Exponent(t.TargetFar)}"] = t.Tar;
                payload[$"threshold_at_far_{Exponent(t.TargetFar)}"] = t.Threshold;
                payload[$"far_{Exponent(t.TargetFar)}_resolvable"] = t.Resolvable;
            }

            output.Result(payload, console =>
            {
                var table = new Table().AddColumns("LFW View 2", "value");
                table.AddRow("model", $"{model.ShortId} {Markup.Escape(model.Manifest.Name)}");
                table.AddRow("crop", crop.ToString());
                table.AddRow("accuracy (10-fold)", $"{report.Accuracy.Mean:P2} ± {report.Accuracy.StandardDeviation:P2}");
                table.AddRow("EER", $"{v.Eer:P2} (cosine {v.EerThreshold:F4})");
                table.AddRow("AUC", $"{v.Auc:F5}");
                foreach (var t in v.TarAtFar)
                {
                    table.AddRow($"TAR @ FAR {t.TargetFar:0e0}", $"{t.Tar:P2} (cosine {t.Threshold:F4}){(t.Resolvable ? "" : ", not resolvable")}");
                }

                table.AddRow("pairs / images", $"{report.PairCount} / {report.ImageCount} ({seconds:F0} s, {report.ImageCount / seconds:F0} images/s)");
                table.AddRow("plots", Markup.Escape(stem + "-{roc,det}.png"));
                console.Write(table);
                WarnRejected(console, report.RejectedImages);
            });
            return 0;
        });
        return command;
    }

    private static Command OpenSet()
    {
        var enroll = new Option<int>("--enroll-per-identity") { Description = "K: images enrolled per known identity.", DefaultValueFactory = _ => 3 };
        var minImages = new Option<int>("--min-images") { Description = "M: only identities with at least M images take part.", DefaultValueFactory = _ => 5 };
        var unknown = new Option<double>("--unknown-fraction") { Description = "F: share of those identities held out as unknown (never enrolled).", DefaultValueFactory = _ => 0.25 };
        var seed = new Option<int>("--seed") { Description = "Seed for the split.", DefaultValueFactory = _ => 1 };
        var command = new Command("openset", "Open-set identification on a folder-per-person set: rank-1 and FNIR at FPIR 1e-2 / 1e-3. Crop: --crop, else the manifest preset named after the data folder (lfw), else the manifest's crop.")
        {
            Data, enroll, minImages, unknown, seed, CliOptions.Model, CliOptions.Crop, Plots, CliOptions.Threads, CliOptions.Provider, CliOptions.BatchSize,
        };
        command.SetAction(parse =>
        {
            var output = new CommandOutput(parse.GetValue(CliOptions.Json));
            var model = CliModels.Resolve(parse, output);
            var crop = CliOptions.ResolveCrop(parse, model, CliOptions.PresetFor(model, parse.GetValue(Data)!));
            var k = parse.GetValue(enroll);
            var m = parse.GetValue(minImages);
            if (m <= k)
            {
                throw new ArgumentOutOfRangeException(nameof(minImages), m, $"--min-images ({m}) must exceed --enroll-per-identity ({k}) so every known identity has probes.");
            }

            var dataset = FolderDataset.Open(parse.GetValue(Data)!.FullName, m);
            var split = OpenSetSplit.Create(dataset, k, parse.GetValue(unknown), parse.GetValue(seed));
            using var embedder = new FaceEmbedder(model, CliOptions.EmbedderOptions(parse));
            var report = output.WithProgress("embedding", progress => OpenSetProtocol.Run(embedder, split, crop, progress));
            var plot = Path.Combine(PlotFolder(parse), $"openset-{model.ShortId}-{Stamp()}-det.png");
            EvaluationPlots.SaveDet(report.Metrics, plot, $"Open-set DET ({model.Manifest.Name}, {dataset.Identities.Count} identities)");

            var metrics = report.Metrics;
            var payload = new JsonObject
            {
                ["model"] = model.Id,
                ["crop"] = crop.ToString(),
                ["rank1"] = metrics.Rank1,
                ["known_identities"] = report.KnownIdentities,
                ["unknown_identities"] = report.UnknownIdentities,
                ["enrolled_images"] = report.EnrolledImages,
                ["mated_searches"] = metrics.MatedCount,
                ["non_mated_searches"] = metrics.NonMatedCount,
                ["det_plot"] = plot,
            };
            foreach (var f in metrics.FnirAtFpir)
            {
                payload[$"fnir_at_fpir_{Exponent(f.TargetFpir)}"] = f.Fnir;
                payload[$"threshold_at_fpir_{Exponent(f.TargetFpir)}"] = f.Threshold;
                payload[$"fpir_{Exponent(f.TargetFpir)}_resolvable"] = f.Resolvable;
            }

            output.Result(payload, console =>
            {
                var table = new Table().AddColumns("open-set", "value");
                table.AddRow("model", $"{model.ShortId} {Markup.Escape(model.Manifest.Name)}");
                table.AddRow("known / unknown identities", $"{report.KnownIdentities} / {report.UnknownIdentities}");
                table.AddRow("enrolled images", report.EnrolledImages.ToString(CultureInfo.InvariantCulture));
                table.AddRow("mated / non-mated searches", $"{metrics.MatedCount} / {metrics.NonMatedCount}");
                table.AddRow("rank-1", $"{metrics.Rank1:P2}");
                foreach (var f in metrics.FnirAtFpir)
                {
                    table.AddRow($"FNIR @ FPIR {f.TargetFpir:0e0}", $"{f.Fnir:P2} (cosine {f.Threshold:F4}){(f.Resolvable ? "" : ", not resolvable: too few non-mated searches")}");
                }

                table.AddRow("DET plot", Markup.Escape(plot));
                console.Write(table);
                WarnRejected(console, report.RejectedImages);
            });
            return 0;
        });
        return command;
    }

    private static string PlotFolder(ParseResult parse)
    {
        var folder = parse.GetValue(Plots) ?? Path.Combine(CliModels.Home(parse).Root, "reports");
        Directory.CreateDirectory(folder);
        return folder;
    }

    private static string Stamp() => DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);

    /// <summary>1e-3 → "1e-3", as the JSON keys spell operating points.</summary>
    private static string Exponent(double value) => "1e" + Math.Round(Math.Log10(value)).ToString(CultureInfo.InvariantCulture);

    private static void Record(ParseResult parse, ModelVersion model, LfwVerificationReport report)
    {
        var thresholds = new Dictionary<string, double>(model.Manifest.Thresholds) { ["eer"] = report.Verification.EerThreshold };
        foreach (var t in report.Verification.TarAtFar.Where(t => t.Resolvable))
        {
            thresholds[$"far_{Exponent(t.TargetFar)}"] = t.Threshold;
        }

        var evaluation = new Dictionary<string, Dictionary<string, double>>(model.Manifest.Evaluation)
        {
            ["lfw"] = new()
            {
                ["accuracy_mean"] = report.Accuracy.Mean,
                ["accuracy_std"] = report.Accuracy.StandardDeviation,
                ["eer"] = report.Verification.Eer,
                ["auc"] = report.Verification.Auc,
                ["tar_at_far_1e-3"] = report.Verification.TarAtFar.First(t => t.TargetFar == 1e-3).Tar,
            },
        };
        CliModels.Store(parse).UpdateManifest(model.Manifest with { Thresholds = thresholds, Evaluation = evaluation });
    }

    private static void WarnRejected(IAnsiConsole console, IReadOnlyDictionary<string, string> rejected)
    {
        foreach (var (path, reason) in rejected.Take(10))
        {
            console.MarkupLine($"[yellow]skipped[/] {Markup.Escape(path)}: {Markup.Escape(reason)}");
        }
    }
}
