using System.Text.Json;
using FaceGrains.Recognition.Embedding;
using FaceGrains.Recognition.Images;
using FaceGrains.Recognition.Calibration;
using FaceGrains.Recognition.Importers;
using FaceGrains.Recognition.Models;
using FaceGrains.Recognition.Preprocessing;
using FaceGrains.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace FaceGrains.Recognition.Tests.Importers;

/// <summary>The imported face-api model against the descriptors face-api.js itself produced for the same images.</summary>
public sealed class FaceApiPortTests(ITestOutputHelper output)
{
    /// <summary>
    /// Same-person descriptors of this model lie about 0.3–0.6 apart; 0.045 is well inside that, and leaves room for
    /// face-api.js's 8-bit PNG decode and float32 arithmetic on another runtime.
    /// </summary>
    private const double MaxDistance = 0.045;

    [RequiresModelTheory("bbt/reference")]
    [InlineData("face1.png", "faceDescriptor1.json")]
    [InlineData("face2.png", "faceDescriptor2.json")]
    [InlineData("face_rectangular.png", "faceDescriptorRect.json")]
    public void Raw_descriptor_matches_face_api_js(string image, string descriptor)
    {
        var expected = JsonSerializer.Deserialize<float[]>(File.ReadAllText(SharedData.PathOf("bbt", "reference", descriptor)))!;
        using var embedder = new FaceEmbedder(TestModels.FaceApi, new EmbedderOptions());

        var embedding = embedder.Embed([ImageDecoder.DecodeFile(SharedData.PathOf("bbt", "reference", image))], CropPolicy.FitWhole)[0];

        Assert.Equal(128, expected.Length);
        Assert.Equal(128, embedding.Raw.Length);
        var distance = Math.Sqrt(expected.Zip(embedding.Raw).Sum(p => (double)(p.First - p.Second) * (p.First - p.Second)));
        output.WriteLine($"{image}: L2 distance to face-api.js's descriptor = {distance:F5}");
        Assert.True(distance <= MaxDistance, $"{image}: distance {distance:F5} > {MaxDistance}");
    }

    [RequiresModelFact("bbt/reference")]
    public void The_two_reference_faces_are_told_apart_by_more_than_the_port_error()
    {
        // Guards the test above: if every image gave the same descriptor, the bound would be meaningless.
        var a = JsonSerializer.Deserialize<float[]>(File.ReadAllText(SharedData.PathOf("bbt", "reference", "faceDescriptor1.json")))!;
        var b = JsonSerializer.Deserialize<float[]>(File.ReadAllText(SharedData.PathOf("bbt", "reference", "faceDescriptor2.json")))!;

        var distance = Math.Sqrt(a.Zip(b).Sum(p => (double)(p.First - p.Second) * (p.First - p.Second)));

        output.WriteLine($"face1 vs face2 reference descriptors: {distance:F4}");
        Assert.True(distance > 10 * MaxDistance, $"reference descriptors only {distance:F4} apart");
    }

    [RequiresModelFact]
    public void The_imported_manifest_describes_face_api_js_preprocessing()
    {
        var manifest = TestModels.FaceApi.Manifest;
        var p = manifest.Preprocessing;

        Assert.Equal(FaceApiImporter.ModelName, manifest.Name);
        Assert.Equal(128, manifest.EmbeddingSize);
        Assert.Equal("cosine", manifest.Distance);
        Assert.Equal((150, 150, "rgb"), (p.Width, p.Height, p.ChannelOrder));
        Assert.Equal([122.782f, 117.001f, 104.298f], p.Mean);
        Assert.Equal([255f, 255f, 255f], p.Std);
        Assert.Equal("tf-bilinear", p.Resize);
        Assert.Equal(ResizeMethod.TensorFlowLegacy, p.ResizeMethod);
        Assert.Equal(CropPolicy.Full, p.Crop);
        Assert.Equal(FaceCropMode.Align, p.FaceCropMode);
        Assert.Equal(FaceTemplate.DlibChip150.Points.SelectMany(x => x), p.AlignTemplate!.Points.SelectMany(x => x));
        Assert.False(p.FlipAverage);
        Assert.Equal(ModelManifest.VersionIdFor(manifest.OnnxSha256, p), manifest.Id);
        Assert.Equal(FaceApiImporter.PackageIntegrity, manifest.Provenance.SourceIntegrity);
        Assert.Contains(FaceApiImporter.PackageSpec, manifest.Provenance.Source, StringComparison.Ordinal);
        Assert.Matches("^[0-9a-f]{64}$", manifest.Provenance.WeightsSha256);
        Assert.Matches("^[0-9a-f]{64}$", manifest.Id);
        Assert.True(File.Exists(TestModels.FaceApi.OnnxPath));
    }

    /// <summary>
    /// The import is deterministic, so the version it makes is the one the shipped calibration was measured for, and a
    /// fresh install identifies at the documented operating point without a calibration step. When this fails, the
    /// importer or the recipe changed: measure again (`facegrains models calibrate --data ../shared/data/lfw`) and ship
    /// the new impostor-tail.json as src/Recognition/Calibration/Shipped/dlib-resnet-faceapi.json.
    /// </summary>
    [RequiresModelFact]
    public void The_import_comes_with_the_calibration_shipped_for_exactly_this_version_and_recipe()
    {
        var version = TestModels.FaceApi;

        Assert.True(ShippedCalibrations.All.ContainsKey(version.Id), $"no shipped calibration for the imported version {version.Id}; shipped: {string.Join(", ", ShippedCalibrations.All.Keys)}");
        var tail = ImpostorTail.TryLoad(version);
        Assert.NotNull(tail);
        Assert.Equal(version.Manifest.Preprocessing.Fingerprint(), tail.RecipeSha256);
        Assert.True(tail.Pairs > 10_000_000, $"{tail.Pairs} impostor scores");
        Assert.Equal(ImpostorCalibration.DefaultEnrolledPerIdentity, tail.EnrolledPerIdentity);
    }
}
