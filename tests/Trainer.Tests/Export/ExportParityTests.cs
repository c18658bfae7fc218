using FaceGrains.Recognition.Embedding;
using FaceGrains.Recognition.Models;
using FaceGrains.TestSupport;
using FaceGrains.Trainer.Backbones;
using FaceGrains.Trainer.Configuration;
using FaceGrains.Trainer.Export;
using FaceGrains.Trainer.Tests.Training;
using Xunit;
using Xunit.Abstractions;

namespace FaceGrains.Trainer.Tests.Export;

/// <summary>A trained network written as ONNX gives the same embeddings in ONNX Runtime as in TorchSharp.</summary>
public sealed class ExportParityTests(ITestOutputHelper log)
{
    [Theory]
    [InlineData("seed-resnet", 16, "batch")]
    [InlineData("iresnet18", 32, "batch")]
    [InlineData("dlib-resnet", 150, "batch")]
    [InlineData("densenet121", 16, "batch")]
    [InlineData("densenet121", 16, "group")]
    [InlineData("densenet121", 16, "layer")]
    [InlineData("densenet121", 16, "none")]
    [InlineData("densenet121", 112, "batch")] // the 7×7/2 stem with max pool
    [InlineData("convnext-small", 16, "batch")] // ConvNeXt uses its own LayerNorms whatever the norm key says
    [InlineData("iresnet18", 32, "group")]
    public void Onnx_runtime_matches_torchsharp(string backbone, int inputSize, string norm)
    {
        var data = SyntheticFaces.Create(identities: 8, imagesPerIdentity: 4);
        var folder = SyntheticRun.NewFolder();
        var config = SyntheticRun.Config(data, backbone, inputSize) with { Epochs = 1, StepsPerEpoch = 2, Norm = norm, DropBlock = 0.1 };
        SyntheticRun.Run(config, folder);
        var result = OnnxExporter.Export(folder, 1, _ => { });
        log.WriteLine($"PARITY {backbone} {inputSize}px norm {norm}: max |ONNX − TorchSharp| = {result.ParityMaxAbsDiff:E2} on {result.ParityImages} faces");
        Assert.True(result.ParityMaxAbsDiff <= 1e-4, $"{backbone} ({norm}): max |ONNX − TorchSharp| = {result.ParityMaxAbsDiff}");
        Assert.True(result.ParityImages > 0);
        var manifest = ModelManifest.FromJson(File.ReadAllText(result.Manifest));
        Assert.Equal(inputSize, manifest.Preprocessing.Width);
        Assert.Contains("eer", manifest.Thresholds.Keys);
        Assert.Contains("facegrains-train run", manifest.Provenance.Source, StringComparison.Ordinal);
        AssertServes(manifest, result);
    }

    [Fact]
    public void Every_registered_backbone_says_truly_whether_it_exports()
    {
        foreach (var spec in BackboneRegistry.All)
        {
            var config = new TrainingConfig { Backbone = spec.Name, Width = 0.125 };
            using var backbone = BackboneRegistry.Create(config, spec.InputSize);
            Assert.Equal(spec.Exports, backbone.CanExport);
        }
    }

    /// <summary>The exported files, as written, load in Recognition's embedder and give unit-length embeddings.</summary>
    private static void AssertServes(ModelManifest manifest, ExportResult result)
    {
        using var embedder = new FaceEmbedder(new ModelVersion(manifest, result.Onnx), new EmbedderOptions { IntraOpNumThreads = 1 });
        Assert.Equal(result.EmbeddingSize, embedder.EmbeddingSize);
        var rng = new Random(5);
        var input = Enumerable.Range(0, 2 * embedder.InputSize).Select(_ => (float)((rng.NextDouble() * 2) - 1)).ToArray();
        var raw = new float[2 * embedder.EmbeddingSize];
        var normalized = new float[2 * embedder.EmbeddingSize];
        embedder.EmbedTensors(input, 2, raw, normalized);
        Assert.All(raw, v => Assert.True(float.IsFinite(v)));
        var norm = Math.Sqrt(normalized.Take(embedder.EmbeddingSize).Sum(v => (double)v * v));
        Assert.Equal(1.0, norm, 3);
    }
}

/// <summary>The same parity on real faces: a few CFP identities, one short run, exported and compared.</summary>
public sealed class RealFaceExportTests(ITestOutputHelper log)
{
    [RequiresDataTheory("cfp-train")]
    [InlineData("seed-resnet", 64, "batch")]
    [InlineData("densenet121", 32, "group")] // full-width DenseNet at 64×64 takes about 1.5 min here; 32×32 keeps the test short
    [InlineData("convnext-small", 64, "batch")]
    public void Parity_on_cfp_faces(string backbone, int inputSize, string norm)
    {
        var data = FaceGrains.TestSupport.SharedData.PathOf("cfp-train", "images");
        var folder = SyntheticRun.NewFolder();
        var config = SyntheticRun.Config(data, backbone, inputSize) with { MaxIdentities = 8, Epochs = 1, StepsPerEpoch = 1, Norm = norm };
        var summary = SyntheticRun.Run(config, folder);
        Assert.Equal(0, summary.SkippedImages);
        var result = OnnxExporter.Export(folder, 1, _ => { });
        log.WriteLine($"PARITY cfp {backbone} {inputSize}px norm {norm}: max |ONNX − TorchSharp| = {result.ParityMaxAbsDiff:E2} on {result.ParityImages} faces");
        Assert.True(result.ParityMaxAbsDiff <= 1e-4, $"{backbone} ({norm}): max |ONNX − TorchSharp| = {result.ParityMaxAbsDiff}");
    }
}
