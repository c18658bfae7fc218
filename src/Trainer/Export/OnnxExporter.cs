using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using FaceGrains.Recognition.Embedding;
using FaceGrains.Recognition.Models;
using FaceGrains.Recognition.Onnx;
using FaceGrains.Trainer.Backbones;
using FaceGrains.Trainer.Configuration;
using FaceGrains.Trainer.Data;
using FaceGrains.Trainer.Training;
using static TorchSharp.torch;

namespace FaceGrains.Trainer.Export;

/// <summary>
/// Writes a run's last checkpoint as ONNX through Recognition's writer, with a manifest whose thresholds are
/// measured on the run's validation identities through ONNX Runtime (the serving path), and checks that ONNX
/// Runtime and TorchSharp agree on real faces.
/// </summary>
public static class OnnxExporter
{
    public const string InputName = "input";
    public const string OutputName = "embedding";
    public const int ParityImages = 32;

    public static ExportResult Export(RunFolder run, int threads, Action<string> log)
    {
        ArgumentNullException.ThrowIfNull(run);
        var config = TrainingConfig.Load(run.Config);
        if (threads > 0)
        {
            set_num_threads(threads);
        }

        var spec = ModelSetup.Preprocessing(config);
        using var backbone = BackboneRegistry.Create(config with { Init = "random" }, spec.Width, log);
        if (!backbone.CanExport)
        {
            throw new NotSupportedException($"backbone '{config.Backbone}' has no ONNX exporter (exporters: {string.Join(", ", BackboneRegistry.All.Where(b => b.Exports).Select(b => b.Name))})");
        }

        var checkpoint = Checkpoint.Load(run.Checkpoint);
        checkpoint.Restore(backbone, "model.");
        backbone.eval();

        var g = new OnnxGraphBuilder($"facegrains_{config.Backbone.Replace('-', '_')}")
        {
            DocString = $"{config.Backbone} trained by facegrains-train ({config.Name}), epoch {checkpoint.Info.Epoch}.",
        };
        var input = g.Input(InputName, 3, spec.Height, spec.Width);
        var output = backbone.ExportOnnx(g, input);
        g.Output(OutputName, output, backbone.EmbeddingSize);
        var onnx = g.ToBytes();
        Directory.CreateDirectory(run.ExportDirectory);
        File.WriteAllBytes(run.OnnxPath, onnx);

        // Validation faces, preprocessed as serving does; embedded by ONNX Runtime for thresholds.
        var split = DatasetSplit.Load(run.Split);
        var skipped = new List<string>();
        var validation = ValidationSet.Build(split.Verification, spec, config.ValMaxImages, config.Seed, threads > 0 ? threads : Environment.ProcessorCount, skipped);
        var draft = new ModelManifest
        {
            Id = Convert.ToHexStringLower(SHA256.HashData(onnx)),
            Name = $"{config.Name}-{config.Backbone}",
            InputName = InputName,
            OutputName = OutputName,
            EmbeddingSize = backbone.EmbeddingSize,
            Preprocessing = spec,
        };
        using var embedder = new FaceEmbedder(new ModelVersion(draft, run.OnnxPath), new EmbedderOptions { IntraOpNumThreads = threads });
        if (validation.Count < 2)
        {
            throw new InvalidDataException($"run '{run.Path}' has {validation.Count} readable validation faces; thresholds need at least 2");
        }

        var onnxRows = EmbedWithOnnx(embedder, validation, spec.Width, spec.Height);
        var result = validation.Verify(onnxRows);

        var parityCount = Math.Min(ParityImages, validation.Count);
        double maxDiff = 0;
        using (var noGrad = no_grad())
        using (var scope = NewDisposeScope())
        {
            var torchRows = backbone.call(validation.Batch(0, parityCount, spec.Height, spec.Width)).contiguous().data<float>().ToArray();
            var d = backbone.EmbeddingSize;
            for (var i = 0; i < parityCount; i++)
            {
                for (var j = 0; j < d; j++)
                {
                    maxDiff = Math.Max(maxDiff, Math.Abs(torchRows[(i * d) + j] - onnxRows[i][j]));
                }
            }
        }

        var thresholds = new Dictionary<string, double> { ["eer"] = result.EerThreshold };
        var evaluation = new Dictionary<string, double> { ["eer"] = result.Eer, ["auc"] = result.Auc, ["genuine_pairs"] = result.GenuineCount, ["impostor_pairs"] = result.ImpostorCount };
        foreach (var t in result.TarAtFar)
        {
            var name = $"far_{Exponent(t.TargetFar)}";
            if (t.Resolvable)
            {
                thresholds[name] = t.Threshold;
            }

            evaluation[$"tar_at_{name}"] = t.Tar;
        }

        var manifest = draft with
        {
            Id = "",
            CreatedUtc = DateTimeOffset.UtcNow,
            Thresholds = thresholds,
            Evaluation = new() { ["validation_identities"] = evaluation },
            Provenance = new ModelProvenance
            {
                Source = $"facegrains-train run {Path.GetFileName(run.Path)}: backbone {config.Backbone}, epoch {checkpoint.Info.Epoch}, data {split.Root} (split {split.Kind}, seed {split.Seed}, {split.TrainIdentities.Count} training identities), commit {GitCommit()}",
                Licence = "weights trained by FaceGrains; the training data's terms apply (see ../shared/data/README.md)",
                SourceIntegrity = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(run.Config))),
                WeightsSha256 = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(run.Checkpoint))),
                Notes = $"config: {File.ReadAllText(run.Config).ReplaceLineEndings(" ")}",
            },
        };
        manifest.Validate();
        File.WriteAllText(run.ManifestPath, manifest.ToJson());
        log($"exported {run.OnnxPath}: parity max |ONNX − TorchSharp| = {maxDiff:E2} on {parityCount} faces; validation EER {result.Eer:P2}");
        return new ExportResult
        {
            Onnx = run.OnnxPath,
            Manifest = run.ManifestPath,
            EmbeddingSize = backbone.EmbeddingSize,
            ParityMaxAbsDiff = maxDiff,
            ParityImages = parityCount,
            ValEer = result.Eer,
            ValAuc = result.Auc,
            Thresholds = thresholds,
        };
    }

    public static float[][] EmbedWithOnnx(FaceEmbedder embedder, ValidationSet set, int width, int height)
    {
        var rows = new float[set.Count][];
        var d = embedder.EmbeddingSize;
        var size = 3 * width * height;
        var batch = Math.Max(1, embedder.MaxBatchSize);
        for (var start = 0; start < set.Count; start += batch)
        {
            var n = Math.Min(batch, set.Count - start);
            using var scope = NewDisposeScope();
            var input = set.Batch(start, n, height, width).data<float>().ToArray();
            var raw = new float[n * d];
            var normalized = new float[n * d];
            embedder.EmbedTensors(input, n, raw, normalized);
            for (var i = 0; i < n; i++)
            {
                rows[start + i] = raw.AsSpan(i * d, d).ToArray();
            }
        }

        return rows;
    }

    private static string Exponent(double far) => $"1e{Math.Round(Math.Log10(far)).ToString(CultureInfo.InvariantCulture)}";

    private static string GitCommit()
    {
        try
        {
            using var git = Process.Start(new ProcessStartInfo("git", "rev-parse HEAD") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false });
            if (git is null)
            {
                return "unknown";
            }

            var sha = git.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit();
            return git.ExitCode == 0 && sha.Length > 0 ? sha : "unknown";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unknown";
        }
    }
}
