using System.Text;
using FaceGrains.Recognition.Calibration;
using FaceGrains.Recognition.Detection;
using FaceGrains.Recognition.Embedding;
using FaceGrains.Recognition.Importers;
using FaceGrains.Recognition.Onnx;
using FaceGrains.TestSupport;
using Microsoft.ML.OnnxRuntime;
using Xunit;
using Xunit.Abstractions;

namespace FaceGrains.Recognition.Tests.Importers;

/// <summary>The default model's int8 build (<see cref="FaceApiInt8"/>) on the real weights and real faces.</summary>
public sealed class FaceApiInt8Tests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(-1f, 3f)]
    [InlineData(0f, 10.5f)]
    [InlineData(-0.48f, 0.59f)]
    [InlineData(-7f, 0f)]
    public void A_range_maps_zero_onto_a_level_and_covers_its_ends(float low, float high)
    {
        var (scale, zero) = new ActivationRange(low, high).ToUInt8();

        // 0.0 is exactly level `zero`; the lowest and highest levels reach the range's ends within half a step.
        Assert.True((0 - zero) * scale <= low + (scale / 2), $"level 0 is {(0 - zero) * scale}, range starts at {low}");
        Assert.True((255 - zero) * scale >= high - (scale / 2), $"level 255 is {(255 - zero) * scale}, range ends at {high}");
        Assert.Equal((high - low) / 255f, scale, 6);
    }

    [Theory]
    [InlineData(float.NaN, 1f)]
    [InlineData(0f, float.PositiveInfinity)]
    [InlineData(2f, 1f)]
    public void A_range_that_is_no_interval_is_refused(float low, float high)
    {
        var e = Assert.Throws<InvalidOperationException>(() => new ActivationRange(low, high).ToUInt8());
        Assert.Contains("not a finite interval", e.Message, StringComparison.Ordinal);
    }

    [RequiresModelFact]
    public void The_committed_ranges_build_an_int8_graph_a_quarter_the_size_that_ONNX_Runtime_runs()
    {
        var weights = FaceApiWeightsTests.RealWeights();
        var float32 = FaceRecognitionNetGraph.Build(weights);
        var int8 = FaceRecognitionNetGraph.Build(weights, FaceApiInt8.Ranges);
        output.WriteLine($"float32 {float32.Length:N0} bytes, int8 {int8.Length:N0} bytes");

        Assert.InRange(int8.Length, float32.Length / 5, float32.Length / 3);
        Assert.True(int8.AsSpan().IndexOf("QuantizeLinear"u8) >= 0, "no QuantizeLinear node");
        Assert.Equal(-1, float32.AsSpan().IndexOf("QuantizeLinear"u8));
        // ONNX Runtime's optimised graph: the quantised convolutions fused into int8 ones, not dequantised to float.
        var optimised = Path.Combine(Path.GetTempPath(), $"facegrains-int8-{Guid.NewGuid():N}.onnx");
        try
        {
            using (var options = new SessionOptions { OptimizedModelFilePath = optimised })
            using (var session = new InferenceSession(int8, options))
            {
                Assert.Equal(FaceRecognitionNetGraph.OutputName, Assert.Single(session.OutputMetadata.Keys));
            }

            var graph = File.ReadAllBytes(optimised);
            var fused = Count(graph, "QLinearConv"u8);
            output.WriteLine($"optimised graph: {fused} QLinearConv, {Count(graph, "QLinearAdd"u8)} QLinearAdd");
            Assert.True(fused >= 29, $"only {fused} of the 29 convolutions run as int8");
        }
        finally
        {
            File.Delete(optimised);
        }
    }

    private static int Count(ReadOnlySpan<byte> haystack, ReadOnlySpan<byte> needle)
    {
        var n = 0;
        for (var i = haystack.IndexOf(needle); i >= 0; i = haystack.IndexOf(needle))
        {
            n++;
            haystack = haystack[(i + needle.Length)..];
        }

        return n;
    }

    [RequiresModelFact]
    public void The_int8_graph_refuses_ranges_that_do_not_match_its_quantisation_points()
    {
        var weights = FaceApiWeightsTests.RealWeights();

        var fewer = Assert.Throws<ArgumentException>(() => FaceRecognitionNetGraph.Build(weights, FaceApiInt8.Ranges.Take(FaceApiInt8.Ranges.Count - 1).ToArray()));
        var more = Assert.Throws<ArgumentException>(() => FaceRecognitionNetGraph.Build(weights, [.. FaceApiInt8.Ranges, new ActivationRange(0, 1)]));

        Assert.Contains("activation ranges", fewer.Message, StringComparison.Ordinal);
        Assert.Contains($"{FaceApiInt8.Ranges.Count} quantisation points", more.Message, StringComparison.Ordinal);
    }

    [RequiresModelFact("lfw")]
    public void Measured_ranges_hold_the_activations_and_a_percentile_narrows_them()
    {
        var weights = FaceApiWeightsTests.RealWeights();
        using var preparer = FacePreparer.Open(TestModels.FaceApi, TestModels.Home);
        var inputs = FaceApiInt8.PrepareInputs(preparer, SharedData.PathOf("lfw"), 12, out var skipped);
        Assert.Equal(12, inputs.Count + skipped);
        Assert.True(inputs.Count >= 10, $"only {inputs.Count} of 12 LFW photos had a face");

        var whole = FaceApiInt8.MeasureRanges(weights, inputs, percentile: 100);
        var clipped = FaceApiInt8.MeasureRanges(weights, inputs, percentile: 99.9);

        Assert.Equal(FaceApiInt8.Ranges.Count, whole.Count);
        FaceRecognitionNetGraph.BuildObserved(weights, out var signed);
        for (var k = 0; k < whole.Count; k++)
        {
            Assert.True(whole[k].High > 0, $"point {k}: nothing positive");
            Assert.True(signed[k] ? whole[k].Low < 0 : whole[k].Low == 0, $"point {k} ({(signed[k] ? "signed" : "after a ReLU")}): low {whole[k].Low}");
            Assert.InRange(clipped[k].High, whole[k].Low, whole[k].High);
            Assert.InRange(clipped[k].Low, whole[k].Low, Math.Max(0, clipped[k].High));
        }

        Assert.Contains(Enumerable.Range(0, whole.Count), k => clipped[k].High < whole[k].High);
        Assert.Throws<ArgumentOutOfRangeException>(() => FaceApiInt8.MeasureRanges(weights, inputs, percentile: 40));
        Assert.Throws<ArgumentException>(() => FaceApiInt8.MeasureRanges(weights, [], percentile: 100));
    }

    [RequiresModelFact("lfw")]
    public void The_imported_int8_build_embeds_real_faces_as_float32_does_and_comes_calibrated()
    {
        var int8 = ImportedModels.Get(ModelCatalogue.FaceApiInt8Build);
        Assert.Equal(FaceApiInt8.ModelName, int8.Manifest.Name);
        Assert.Equal(TestModels.FaceApi.Manifest.Preprocessing.Fingerprint(), int8.Manifest.Preprocessing.Fingerprint());
        Assert.Contains("int8 (ONNX QDQ)", int8.Manifest.Provenance.Notes, StringComparison.Ordinal);

        // The import is deterministic, so the project's calibration of this build is installed with it.
        Assert.True(ShippedCalibrations.All.ContainsKey(int8.Id), $"no shipped calibration for the int8 build {int8.Id}");
        Assert.True(File.Exists(ImpostorTail.PathFor(int8)), "the shipped calibration was not installed");

        // Other photos than the ranges were measured on (LFW, not CFP): the same direction to within a few thousandths.
        using var preparer = FacePreparer.Open(TestModels.FaceApi, TestModels.Home);
        var inputs = FaceApiInt8.PrepareInputs(preparer, SharedData.PathOf("lfw"), 40, out _);
        using var float32Embedder = new FaceEmbedder(TestModels.FaceApi, new EmbedderOptions());
        using var int8Embedder = new FaceEmbedder(int8, new EmbedderOptions());
        var (mean, min) = FaceApiInt8.Agreement(float32Embedder, int8Embedder, inputs);
        output.WriteLine($"{inputs.Count} LFW faces: cosine int8 to float32 mean {mean:F5}, min {min:F5}");

        Assert.True(mean >= 0.999, $"mean cosine {mean:F5}");
        Assert.True(min >= 0.99, $"min cosine {min:F5}");
        Assert.True(Encoding.ASCII.GetString(File.ReadAllBytes(int8.OnnxPath)).Contains("QuantizeLinear", StringComparison.Ordinal));
    }
}
