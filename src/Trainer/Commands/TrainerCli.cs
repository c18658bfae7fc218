using System.CommandLine;
using System.Text.Json;
using FaceGrains.Recognition;
using FaceGrains.Recognition.Importers;
using FaceGrains.Recognition.Models;
using FaceGrains.Trainer.Backbones;
using FaceGrains.Trainer.Configuration;
using FaceGrains.Trainer.Data;
using FaceGrains.Trainer.Evaluation;
using FaceGrains.Trainer.Export;
using FaceGrains.Trainer.Training;
using Spectre.Console;

namespace FaceGrains.Trainer.Commands;

/// <summary>The `facegrains-train` commands: run, export, publish, eval-cfp, bench.</summary>
public static class TrainerCli
{
    private static readonly Option<bool> Json = new("--json") { Description = "Machine output (JSON) on stdout; progress and logs go to stderr.", Recursive = true };
    private static readonly Option<string?> Home = new("--home") { Description = "FaceGrains data directory (default $FACEGRAINS_HOME, else ~/.facegrains).", Recursive = true };

    public static RootCommand CreateRoot()
    {
        var root = new RootCommand("facegrains-train: trains face embedders with TorchSharp, exports ONNX and publishes model versions.");
        root.Options.Add(Json);
        root.Options.Add(Home);
        root.Subcommands.Add(RunCommand());
        root.Subcommands.Add(ExportCommand());
        root.Subcommands.Add(PublishCommand());
        root.Subcommands.Add(EvalCfpCommand());
        root.Subcommands.Add(BenchCommand());
        return root;
    }

    public static int Invoke(string[] args, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        var output = stdout ?? Console.Out;
        var errors = stderr ?? Console.Error;
        var parse = CreateRoot().Parse(args);
        var json = parse.GetValue(Json);
        try
        {
            if (parse.Errors.Count > 0)
            {
                throw new ConfigException(string.Join("; ", parse.Errors.Select(e => e.Message)));
            }

            return parse.Invoke(new InvocationConfiguration { Output = output, Error = errors, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (e is ConfigException or DatasetException or CheckpointException or NotSupportedException or FileNotFoundException or DirectoryNotFoundException or ModelNotFoundException or InvalidDataException)
        {
            errors.WriteLine($"error: {e.Message}");
            if (json)
            {
                output.WriteLine(JsonSerializer.Serialize(new Dictionary<string, string> { ["error"] = e.Message, ["kind"] = e.GetType().Name }));
            }

            return 2;
        }
    }

    private static Command RunCommand()
    {
        var config = new Option<string?>("--config") { Description = "Experiment config (JSON), e.g. src/Trainer/configs/smoke.json." };
        var resume = new Option<string?>("--resume") { Description = "Run folder to continue from its last checkpoint (uses the run's own config)." };
        var runs = new Option<string?>("--runs") { Description = "Folder for run folders (default <home>/runs)." };
        var data = new Option<string?>("--data") { Description = "Train on this folder-per-identity set instead of the config's data (e.g. a `facegrains gallery export`)." };
        var epochs = new Option<int?>("--epochs") { Description = "Train this many epochs instead of the config's `epochs` (a quick check of a long recipe)." };
        var stepsPerEpoch = new Option<int?>("--steps-per-epoch") { Description = "Steps per epoch instead of the config's `steps_per_epoch` (0 = one pass over the training images)." };
        var command = new Command("run", "Train a face embedder from a config; evaluates every epoch, checkpoints every epoch.") { config, resume, runs, data, epochs, stepsPerEpoch };
        command.SetAction(parse =>
        {
            var json = parse.GetValue(Json);
            var resumePath = parse.GetValue(resume);
            TrainingConfig cfg;
            RunFolder folder;
            if (resumePath is not null)
            {
                if (parse.GetValue(epochs) is not null || parse.GetValue(stepsPerEpoch) is not null)
                {
                    throw new ConfigException("--epochs and --steps-per-epoch set up a new run; a resumed run keeps the config it started with (its learning-rate schedule depends on them)");
                }

                folder = new RunFolder(Path.GetFullPath(resumePath));
                cfg = TrainingConfig.Load(folder.Config);
            }
            else
            {
                var path = parse.GetValue(config) ?? throw new ConfigException("run needs --config <file> (or --resume <run folder>)");
                cfg = TrainingConfig.Load(path);
                if (parse.GetValue(data) is { } other)
                {
                    cfg = cfg with { Data = Path.GetFullPath(other) };
                }

                // The run folder keeps the config as run, overrides included, so --resume and the report read what happened.
                if (parse.GetValue(epochs) is not null || parse.GetValue(stepsPerEpoch) is not null)
                {
                    cfg = cfg with { Epochs = parse.GetValue(epochs) ?? cfg.Epochs, StepsPerEpoch = parse.GetValue(stepsPerEpoch) ?? cfg.StepsPerEpoch };
                    cfg.Validate($"{path} with --epochs/--steps-per-epoch");
                }

                folder = RunFolder.Create(parse.GetValue(runs) ?? FaceGrainsHome.Resolve(parse.GetValue(Home)).RunsDirectory, cfg.Name);
            }

            var progress = Reporter(parse);
            progress.Log($"run folder: {folder.Path}");
            var summary = TrainingRun.Execute(cfg, folder, resumePath is not null, progress);
            Print(parse, summary, $"run {summary.Run}: val EER {summary.InitialValEer:P2} → {summary.FinalValEer:P2}, {summary.ImagesPerSecond:F1} images/s", json);
            return 0;
        });
        return command;
    }

    private static Command ExportCommand()
    {
        var run = new Argument<string>("run") { Description = "Run folder." };
        var threads = new Option<int>("--threads") { Description = "Threads for libtorch and ONNX Runtime (0 = all cores).", DefaultValueFactory = _ => 0 };
        var command = new Command("export", "Write the run's network as ONNX + manifest (thresholds from validation identities) and check ONNX Runtime vs TorchSharp parity.") { run, threads };
        command.SetAction(parse =>
        {
            var result = OnnxExporter.Export(new RunFolder(Path.GetFullPath(parse.GetValue(run)!)), parse.GetValue(threads), Reporter(parse).Log);
            Print(parse, result, $"exported {result.Onnx} (parity_max_abs_diff {result.ParityMaxAbsDiff:E2}, validation EER {result.ValEer:P2})", parse.GetValue(Json));
            return 0;
        });
        return command;
    }

    private static Command PublishCommand()
    {
        var run = new Argument<string>("run") { Description = "Run folder (exported)." };
        var command = new Command("publish", "Put the run's exported model into the model store (--home: the silos' home), where the running cluster finds it for `facegrains models activate`.") { run };
        command.SetAction(parse =>
        {
            var version = ModelPublisher.Publish(new RunFolder(Path.GetFullPath(parse.GetValue(run)!)), FaceGrainsHome.Resolve(parse.GetValue(Home)));
            Print(parse, new Dictionary<string, string> { ["id"] = version.Id, ["name"] = version.Manifest.Name, ["path"] = version.OnnxPath },
                $"published {version.Manifest.Name} as {version.Id}; silos sharing this home's model store find it: `facegrains models activate {version.ShortId}`", parse.GetValue(Json));
            return 0;
        });
        return command;
    }

    private static Command EvalCfpCommand()
    {
        var model = new Option<string?>("--model") { Description = "Model version id or prefix (default: the imported face-api model)." };
        var run = new Option<string?>("--run") { Description = "Use this run's held-out (verification) identities; default every identity." };
        var data = new Option<string>("--data") { Description = "CFP folder-per-identity root.", DefaultValueFactory = _ => "../shared/data/cfp-train/images" };
        var threads = new Option<int>("--threads") { Description = "ONNX Runtime threads (0 = default).", DefaultValueFactory = _ => 0 };
        var aligned = new Option<bool>("--aligned") { Description = "Take the images as face chips (the recipe's fixed crop, no detection); default: detect and prepare each image's largest face as the gallery does." };
        var faceCache = new Option<string?>("--face-cache") { Description = "Folder that keeps each image's prepared faces (keyed by its pixels, the recipe's preparation fields, the detector settings and the detection networks' ids), so another model with the same recipe detects nothing." };
        var command = new Command("eval-cfp", "Frontal-vs-profile verification EER of any ONNX model version on CFP identities, each image prepared by the version's recipe.") { model, run, data, threads, aligned, faceCache };
        command.SetAction(parse =>
        {
            var home = FaceGrainsHome.Resolve(parse.GetValue(Home));
            var store = ModelStore.ForEnvironment(home);
            var id = parse.GetValue(model);
            var version = id is null ? FaceApiImporter.EnsureImported(store, home.CacheDirectory, Console.Error.WriteLine) : store.Get(id);
            List<(string, string)> faces;
            var runPath = parse.GetValue(run);
            if (runPath is not null)
            {
                var split = DatasetSplit.Load(new RunFolder(Path.GetFullPath(runPath)).Split);
                faces = split.Verification.Select(s => (s.Identity, s.Path)).ToList();
            }
            else
            {
                faces = TrainingRun.OpenDataset(parse.GetValue(data)!).Identities.SelectMany(i => i.ImagePaths.Select(p => (i.Name, p))).ToList();
            }

            var (result, allPairs, withoutFace) = FrontalProfileEvaluation.Run(version, faces, parse.GetValue(threads), home, parse.GetValue(aligned), parse.GetValue(faceCache));
            var payload = new Dictionary<string, object>
            {
                ["model"] = version.Id,
                ["name"] = version.Manifest.Name,
                ["identities"] = faces.Select(f => f.Item1).Distinct().Count(),
                ["aligned"] = parse.GetValue(aligned),
                ["images_without_face"] = withoutFace,
                ["genuine_pairs"] = result.GenuineCount,
                ["impostor_pairs"] = result.ImpostorCount,
                ["frontal_profile_eer"] = result.Eer,
                ["auc"] = result.Auc,
                ["all_pairs_genuine"] = allPairs.GenuineCount,
                ["all_pairs_impostor"] = allPairs.ImpostorCount,
                ["all_pairs_eer"] = allPairs.Eer,
                ["all_pairs_auc"] = allPairs.Auc,
            };
            Print(parse, payload, $"{version.Manifest.Name} ({version.ShortId}): frontal-vs-profile EER {result.Eer:P2}, AUC {result.Auc:F4} over {result.GenuineCount} genuine / {result.ImpostorCount} impostor pairs; every pair EER {allPairs.Eer:P2}, AUC {allPairs.Auc:F4} over {allPairs.GenuineCount} / {allPairs.ImpostorCount}", parse.GetValue(Json));
            return 0;
        });
        return command;
    }

    private static Command BenchCommand()
    {
        var backbones = new Option<string>("--backbones") { Description = "Comma-separated backbone names.", DefaultValueFactory = _ => string.Join(",", BackboneRegistry.Names) };
        var batch = new Option<int>("--batch-size") { Description = "Images per step.", DefaultValueFactory = _ => 32 };
        var steps = new Option<int>("--steps") { Description = "Timed steps (after one warm-up step).", DefaultValueFactory = _ => 3 };
        var width = new Option<double>("--width") { Description = "Channel width multiplier (seed-resnet, iresnet, convnext-small).", DefaultValueFactory = _ => 1.0 };
        var threads = new Option<int>("--threads") { Description = "libtorch threads (0 = all cores).", DefaultValueFactory = _ => 1 };
        var command = new Command("bench", "Training throughput (forward + backward images/s) per backbone at its input size.") { backbones, batch, steps, width, threads };
        command.SetAction(parse =>
        {
            var rows = new List<Dictionary<string, object>>();
            foreach (var name in parse.GetValue(backbones)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                BackboneRegistry.Spec(name);
                var (ips, size, parameters) = ThroughputBenchmark.Measure(name, parse.GetValue(batch), parse.GetValue(steps), parse.GetValue(width), parse.GetValue(threads));
                rows.Add(new() { ["backbone"] = name, ["input_size"] = size, ["parameters"] = parameters, ["images_per_second"] = Math.Round(ips, 2) });
                Console.Error.WriteLine($"{name} ({size}×{size}, {parameters:N0} parameters): {ips:F1} images/s fwd+bwd");
            }

            Print(parse, rows, "", parse.GetValue(Json));
            return 0;
        });
        return command;
    }

    private static IProgressReporter Reporter(ParseResult parse) =>
        Console.IsErrorRedirected || parse.GetValue(Json)
            ? new LineProgressReporter(Console.Error)
            : new SpectreProgressReporter(AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) }));

    private static void Print<T>(ParseResult parse, T payload, string text, bool json)
    {
        var output = parse.InvocationConfiguration.Output;
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(payload, TrainingConfig.WriteOptions));
        }
        else if (text.Length > 0)
        {
            output.WriteLine(text);
        }
    }
}
