using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using FaceGrains.Recognition.Datasets;
using FaceGrains.Recognition.Detection;
using FaceGrains.Recognition.Images;
using FaceGrains.Recognition.Embedding;
using FaceGrains.Recognition.Evaluation;
using FaceGrains.Recognition.Models;
using FaceGrains.Recognition.Preprocessing;
using FaceGrains.Recognition.Protocols;
using FaceGrains.Recognition.Similarity;
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
        command.Subcommands.Add(Photos());
        return command;
    }

    private static Command Photos()
    {
        var gallery = new Option<DirectoryInfo>("--gallery") { Description = "Folder per person; each image enrols its largest face.", Required = true };
        var probes = new Option<string[]>("--probes") { Description = "Probe photos, or folders of them; every face in each is identified.", Required = true, AllowMultipleArgumentsPerToken = true };
        var threshold = new Option<double?>("--threshold") { Description = "Cosine below which a face is answered no-correspondence. Default: none (nearest identity)." };
        var draw = new Option<string?>("--draw") { Description = "Folder for each probe photo drawn with its answers." };
        var command = new Command("photos", "Enrol a folder-per-person gallery from photos (largest face each), then identify every face in probe photos: box + answer per face. --aligned: the gallery images are aligned face chips (no detection).")
        {
            gallery, probes, threshold, draw, CliOptions.Model, CliOptions.Aligned, CliOptions.Threads, CliOptions.Detector,
        };
        command.SetAction(parse =>
        {
            var output = new CommandOutput(parse.GetValue(CliOptions.Json));
            var model = CliModels.Resolve(parse, output);
            using var embedder = new FaceEmbedder(model, CliOptions.EmbedderOptions(parse));
            using var preparer = CliModels.Preparer(parse, model, output, parse.GetValue(CliOptions.Threads));
            var files = parse.GetValue(probes)!
                .SelectMany(p => Directory.Exists(p) ? Directory.EnumerateFiles(p).Order(StringComparer.Ordinal) : (IEnumerable<string>)[p])
                .Select(Path.GetFullPath)
                .ToList();
            var report = PhotoIdentification.Run(preparer, embedder, FolderDataset.Open(parse.GetValue(gallery)!.FullName), files, parse.GetValue(threshold), parse.GetValue(CliOptions.Aligned));
            var drawDir = parse.GetValue(draw);
            if (drawDir is not null)
            {
                foreach (var photo in report.Photos)
                {
                    FaceDrawing.SavePng(ImageDecoder.DecodeFile(photo.Path), photo.Faces.Select(f => f.Face).ToList(),
                        Path.Combine(drawDir, Path.GetFileNameWithoutExtension(photo.Path) + "-identified.png"),
                        photo.Faces.Select(f => string.Create(CultureInfo.InvariantCulture, $"{f.Identity ?? "no-correspondence"} {f.Score:F3}")).ToList());
                }
            }

            var payload = new JsonObject
            {
                ["model"] = model.Id,
                ["gallery"] = new JsonArray(report.Gallery.Select(n => (JsonNode)n).ToArray()),
                ["enrolled_images"] = report.Enrolments.Count(e => e.Accepted),
                ["rejected_images"] = new JsonArray(report.Enrolments.Where(e => !e.Accepted).Select(e => (JsonNode)new JsonObject
                {
                    ["identity"] = e.Identity,
                    ["image"] = e.Path,
                    ["reasons"] = new JsonArray(e.Rejections.Select(r => (JsonNode)r).ToArray()),
                }).ToArray()),
                ["enrolment_photos_with_other_faces"] = report.Enrolments.Count(e => e.OtherFaces > 0),
                ["photos"] = new JsonArray(report.Photos.Select(p => (JsonNode)new JsonObject
                {
                    ["image"] = p.Path,
                    ["outcome"] = DetectCommand.Outcome(p.Outcome),
                    ["faces"] = new JsonArray(p.Faces.Select(f => (JsonNode)new JsonObject
                    {
                        ["box"] = new JsonObject { ["x"] = f.Face.Box.X, ["y"] = f.Face.Box.Y, ["width"] = f.Face.Box.Width, ["height"] = f.Face.Box.Height },
                        ["detector_score"] = f.Face.DetectorScore,
                        ["identity"] = f.Identity,
                        ["score"] = f.Score,
                        ["nearest"] = f.Nearest,
                        ["second_score"] = float.IsNaN(f.SecondScore) ? null : f.SecondScore,
                    }).ToArray()),
                }).ToArray()),
            };
            output.Result(payload, console =>
            {
                console.MarkupLine(Markup.Escape($"gallery: {string.Join(", ", report.Gallery)} ({report.Enrolments.Count(e => e.Accepted)} of {report.Enrolments.Count} images enrolled)"));
                foreach (var e in report.Enrolments.Where(e => !e.Accepted))
                {
                    console.MarkupLine($"[yellow]not enrolled[/] {Markup.Escape(e.Path)}: {Markup.Escape(string.Join("; ", e.Rejections))}");
                }

                var table = new Table().AddColumns("photo", "box (x, y, w, h)", "answer", "cosine", "runner-up cosine");
                foreach (var p in report.Photos)
                {
                    if (p.Faces.Count == 0)
                    {
                        table.AddRow(Markup.Escape(Path.GetFileName(p.Path)), "", Markup.Escape(p.Message), "", "");
                    }

                    foreach (var f in p.Faces)
                    {
                        table.AddRow(
                            Markup.Escape(Path.GetFileName(p.Path)),
                            string.Create(CultureInfo.InvariantCulture, $"{f.Face.Box.X:F0}, {f.Face.Box.Y:F0}, {f.Face.Box.Width:F0}, {f.Face.Box.Height:F0}"),
                            Markup.Escape(f.Identity ?? $"no-correspondence (nearest {f.Nearest})"),
                            f.Score.ToString("F3", CultureInfo.InvariantCulture),
                            float.IsNaN(f.SecondScore) ? "" : f.SecondScore.ToString("F3", CultureInfo.InvariantCulture));
                    }
                }

                console.Write(table);
            });
            return 0;
        });
        return command;
    }

    private static Command Lfw()
    {
        var record = new Option<bool>("--record")
        {
            Description = "Store the measured thresholds (EER, FAR 1e-2/1e-3/1e-4) and results in the model version's manifest.",
        };
        var command = new Command("lfw", "LFW View 2 verification from <data>/pairs.txt, each image's central face prepared by the model version's recipe: 10-fold accuracy, EER, AUC, TAR@FAR.")
        {
            Data, CliOptions.Model, Plots, record, CliOptions.Threads, CliOptions.Provider, CliOptions.BatchSize, CliOptions.FaceCache, CliOptions.Detector,
        };
        command.SetAction(parse =>
        {
            var output = new CommandOutput(parse.GetValue(CliOptions.Json));
            var model = CliModels.Resolve(parse, output);
            using var embedder = new FaceEmbedder(model, CliOptions.EmbedderOptions(parse));

            // One ONNX Runtime thread per detector call: the protocol already prepares a batch's images in parallel.
            using var preparer = CliModels.Preparer(parse, model, output, intraOpThreads: 1);
            var clock = Stopwatch.StartNew();
            var report = output.WithProgress("embedding LFW", progress => LfwVerificationProtocol.Run(embedder, preparer, parse.GetValue(Data)!.FullName, progress));
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
                ["recipe"] = model.Manifest.Preprocessing.Describe(),
                ["detector"] = preparer.Detector?.Model.Info.Name,
                ["pairs"] = report.PairCount,
                ["images"] = report.ImageCount,
                ["images_without_face"] = report.RejectedImages.Count,
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
                table.AddRow("recipe", Markup.Escape(model.Manifest.Preprocessing.Describe()));
                table.AddRow("images without a face", report.RejectedImages.Count.ToString(CultureInfo.InvariantCulture));
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
        var fixedThreshold = new Option<double?>("--threshold")
        {
            Description = "Also answer every search at this fixed cosine (e.g. a recipe's own rule, 0.5): fpir_at_threshold, fnir_at_threshold, beside the calibrated default_threshold.",
        };
        var command = new Command("openset", "Open-set identification on a folder-per-person set, computed as the gallery does it (largest face, recipe, enrolment gate, centroids in a shard matrix): rank-1, FNIR at FPIR 1e-2 / 1e-3, and what the gallery's default operating point would give.")
        {
            Data, enroll, minImages, unknown, seed, fixedThreshold, CliOptions.ShardPrecision, CliOptions.Model, CliOptions.Aligned, Plots, CliOptions.Threads, CliOptions.Provider, CliOptions.BatchSize, CliOptions.FaceCache, CliOptions.Detector,
        };
        command.SetAction(parse =>
        {
            var output = new CommandOutput(parse.GetValue(CliOptions.Json));
            var model = CliModels.Resolve(parse, output);
            var k = parse.GetValue(enroll);
            var m = parse.GetValue(minImages);
            if (m <= k)
            {
                throw new ArgumentOutOfRangeException(nameof(minImages), m, $"--min-images ({m}) must exceed --enroll-per-identity ({k}) so every known identity has probes.");
            }

            var dataset = FolderDataset.Open(parse.GetValue(Data)!.FullName, m);
            var split = OpenSetSplit.Create(dataset, k, parse.GetValue(unknown), parse.GetValue(seed));
            using var embedder = new FaceEmbedder(model, CliOptions.EmbedderOptions(parse));
            using var preparer = CliModels.Preparer(parse, model, output, intraOpThreads: 1);
            var shardPrecision = ShardPrecisions.Parse(parse.GetValue(CliOptions.ShardPrecision)!);
            var report = output.WithProgress("embedding", progress => OpenSetProtocol.Run(embedder, preparer, split, parse.GetValue(CliOptions.Aligned), progress, shardPrecision));
            var plot = Path.Combine(PlotFolder(parse), $"openset-{model.ShortId}-{Stamp()}-det.png");
            EvaluationPlots.SaveDet(report.Metrics, plot, $"Open-set DET ({model.Manifest.Name}, {dataset.Identities.Count} identities)");

            var metrics = report.Metrics;
            var payload = new JsonObject
            {
                ["model"] = model.Id,
                ["recipe"] = model.Manifest.Preprocessing.Describe(),
                ["detector"] = preparer.Detector?.Model.Info.Name,
                ["aligned"] = parse.GetValue(CliOptions.Aligned),
                ["shard_precision"] = shardPrecision.Name(),
                ["bytes_per_identity"] = shardPrecision.BytesPerRow(embedder.EmbeddingSize),
                ["top_score_error_mean"] = report.CompactScoreError?.Mean,
                ["top_score_error_max"] = report.CompactScoreError?.Max,
                ["rejected_images"] = report.RejectedImages.Count,
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

            var operating = OperatingPointStudy.Run(report, model, new Grains.GalleryOptions().DefaultTargetFpir).ToList();
            if (parse.GetValue(fixedThreshold) is { } t)
            {
                // A fixed rule: a search is answered with its nearest identity when the cosine reaches t, else no-correspondence.
                var (fpir, fnir) = OpenSetMetrics.AtThreshold(report.Mated, report.NonMated, t);
                operating.AddRange([("threshold", t), ("fpir_at_threshold", fpir), ("fnir_at_threshold", fnir)]);
            }

            foreach (var (key, value) in operating)
            {
                payload[key] = value?.DeepClone();
            }

            output.Result(payload, console =>
            {
                var table = new Table().AddColumns("open-set", "value");
                table.AddRow("model", $"{model.ShortId} {Markup.Escape(model.Manifest.Name)}");
                table.AddRow("shard precision", $"{shardPrecision.Name()} ({shardPrecision.BytesPerRow(embedder.EmbeddingSize)} bytes per identity)");
                table.AddRow("known / unknown identities", $"{report.KnownIdentities} / {report.UnknownIdentities}");
                table.AddRow("enrolled images", report.EnrolledImages.ToString(CultureInfo.InvariantCulture));
                table.AddRow("mated / non-mated searches", $"{metrics.MatedCount} / {metrics.NonMatedCount}");
                table.AddRow("rank-1", $"{metrics.Rank1:P2}");
                foreach (var f in metrics.FnirAtFpir)
                {
                    table.AddRow($"FNIR @ FPIR {f.TargetFpir:0e0}", $"{f.Fnir:P2} (cosine {f.Threshold:F4}){(f.Resolvable ? "" : ", not resolvable: too few non-mated searches")}");
                }

                foreach (var (key, value) in operating)
                {
                    table.AddRow(Markup.Escape(key), Markup.Escape(value?.ToJsonString() ?? "null"));
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
