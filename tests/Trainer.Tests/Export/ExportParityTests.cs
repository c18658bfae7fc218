using FaceGrains.Recognition.Models;
using FaceGrains.TestSupport;
using FaceGrains.Trainer.Export;
using FaceGrains.Trainer.Tests.Training;
using Xunit;

namespace FaceGrains.Trainer.Tests.Export;

/// <summary>A trained network written as ONNX gives the same embeddings in ONNX Runtime as in TorchSharp.</summary>
public sealed class ExportParityTests
{
    [Theory]
    [InlineData("seed-resnet", 16)]
    [InlineData("iresnet18", 32)]
    [InlineData("dlib-resnet", 150)]
    public void Onnx_runtime_matches_torchsharp(string backbone, int inputSize)
    {
        var data = SyntheticFaces.Create(identities: 8, imagesPerIdentity: 4);
        var folder = SyntheticRun.NewFolder();
        SyntheticRun.Run(SyntheticRun.Config(data, backbone, inputSize) with { Epochs = 1, StepsPerEpoch = 2 }, folder);
        var result = OnnxExporter.Export(folder, 1, _ => { });
        Assert.True(result.ParityMaxAbsDiff <= 1e-4, $"{backbone}: max |ONNX − TorchSharp| = {result.ParityMaxAbsDiff}");
        Assert.True(result.ParityImages > 0);
        var manifest = ModelManifest.FromJson(File.ReadAllText(result.Manifest));
        Assert.Equal(inputSize, manifest.Preprocessing.Width);
        Assert.Contains("eer", manifest.Thresholds.Keys);
        Assert.Contains("facegrains-train run", manifest.Provenance.Source, StringComparison.Ordinal);
    }

    [Fact]
    public void Backbones_without_an_exporter_say_so()
    {
        var data = SyntheticFaces.Create(identities: 8, imagesPerIdentity: 4);
        var folder = SyntheticRun.NewFolder();
        SyntheticRun.Run(SyntheticRun.Config(data, "convnext-small", 16) with { Epochs = 1, StepsPerEpoch = 1 }, folder);
        Assert.Contains("no ONNX exporter", Assert.Throws<NotSupportedException>(() => OnnxExporter.Export(folder, 1, _ => { })).Message, StringComparison.Ordinal);
    }
}

/// <summary>The same parity on real faces: a few CFP identities, one short run, exported and compared.</summary>
public sealed class RealFaceExportTests
{
    [RequiresDataFact("cfp-train")]
    public void Seed_resnet_parity_on_cfp_faces()
    {
        var data = FaceGrains.TestSupport.SharedData.PathOf("cfp-train", "images");
        var folder = SyntheticRun.NewFolder();
        var config = SyntheticRun.Config(data, "seed-resnet", 64) with { MaxIdentities = 8, Epochs = 1, StepsPerEpoch = 1 };
        var summary = SyntheticRun.Run(config, folder);
        Assert.Equal(0, summary.SkippedImages);
        var result = OnnxExporter.Export(folder, 1, _ => { });
        Assert.True(result.ParityMaxAbsDiff <= 1e-4, $"max |ONNX − TorchSharp| = {result.ParityMaxAbsDiff}");
    }
}
