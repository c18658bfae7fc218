using FaceGrains.Recognition.Detection;
using FaceGrains.Recognition.Images;
using FaceGrains.Recognition.Importers;
using FaceGrains.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace FaceGrains.Recognition.Tests.Detection;

/// <summary>The detector's int8 build (QDQ MobileNet body) against the float32 one it is made from.</summary>
public sealed class Int8DetectorTests(ITestOutputHelper output)
{
    private static double IoU(FaceBox a, FaceBox b)
    {
        var w = Math.Max(0, Math.Min(a.Right, b.Right) - Math.Max(a.X, b.X));
        var h = Math.Max(0, Math.Min(a.Bottom, b.Bottom) - Math.Max(a.Y, b.Y));
        return w * h / (a.Area + b.Area - (w * h));
    }

    [RequiresModelFact("bbt")]
    public void The_int8_build_is_int8_and_a_quarter_of_the_size()
    {
        var float32 = new FileInfo(DetectionModels.Models.Detector.OnnxPath).Length;
        var int8 = DetectionModels.Int8Detector.Model;
        var bytes = File.ReadAllBytes(int8.OnnxPath);
        output.WriteLine($"float32 {float32:N0} bytes, int8 {bytes.Length:N0} bytes");
        Assert.Equal(FaceApiDetectionImporter.Int8DetectorName, int8.Info.Name);
        Assert.InRange(bytes.Length, float32 / 5, float32 / 3);
        Assert.True(bytes.AsSpan().IndexOf("QuantizeLinear"u8) >= 0, "the int8 build has no QuantizeLinear node");
    }

    [RequiresModelFact("bbt")]
    public void The_int8_build_finds_the_faces_the_float32_build_finds_in_group_photos()
    {
        // Every face the float32 build is sure of (score ≥ 0.6) is found by the int8 build, its box overlapping by
        // IoU ≥ 0.7 and its score within 0.15; on these photos the two builds' scores differ by a few hundredths.
        var matched = 0;
        var scoreDiffs = new List<double>();
        foreach (var file in Directory.GetFiles(SharedData.PathOf("bbt", "scenes"), "*.jpg").Order(StringComparer.Ordinal))
        {
            var image = ImageDecoder.DecodeFile(file);
            var reference = DetectionModels.Detector.Detect(image);
            var int8 = DetectionModels.Int8Detector.Detect(image);
            foreach (var face in reference.Where(f => f.Score >= 0.6))
            {
                var best = int8.MaxBy(f => IoU(f.Box, face.Box));
                Assert.True(best is not null && IoU(best.Box, face.Box) >= 0.7, $"{Path.GetFileName(file)}: the face at {face.Box} (score {face.Score:F3}) has no int8 match");
                Assert.InRange(best!.Score, face.Score - 0.15, face.Score + 0.15);
                scoreDiffs.Add(Math.Abs(best.Score - face.Score));
                matched++;
            }
        }

        output.WriteLine($"{matched} faces matched; score difference mean {scoreDiffs.Average():F4}, max {scoreDiffs.Max():F4}");
        Assert.True(matched >= 15, $"only {matched} confident faces in the scenes");
    }

    [RequiresModelFact("bbt")]
    public void A_preparer_loads_the_build_asked_for_and_the_two_builds_never_share_cache_entries()
    {
        var image = ImageDecoder.DecodeFile(Directory.GetFiles(SharedData.PathOf("bbt", "scenes"), "*.jpg").Order(StringComparer.Ordinal).First());
        var cache = Directory.CreateTempSubdirectory("facegrains-int8-cache-").FullName;
        try
        {
            using var float32 = FacePreparer.Open(TestModels.FaceApi, TestModels.Home);
            using var int8 = FacePreparer.Open(TestModels.FaceApi, TestModels.Home, detectorPrecision: DetectorPrecision.Int8);
            Assert.Equal(FaceApiDetectionImporter.DetectorName, float32.Detector!.Model.Info.Name);
            Assert.Equal(FaceApiDetectionImporter.Int8DetectorName, int8.Detector!.Model.Info.Name);

            float32.Cache = new PreparedPhotoCache(cache);
            int8.Cache = new PreparedPhotoCache(cache);
            float32.Prepare(image, FaceSelection.Every);
            int8.Prepare(image, FaceSelection.Every);
            float32.Prepare(image, FaceSelection.Every);
            Assert.Equal((1, 1), (float32.Cache.Misses, float32.Cache.Hits));
            Assert.Equal((1, 0), (int8.Cache.Misses, int8.Cache.Hits));
        }
        finally
        {
            Directory.Delete(cache, recursive: true);
        }
    }

    [Fact]
    public void Precision_names_parse_and_others_are_refused()
    {
        Assert.Equal(DetectorPrecision.Int8, DetectorPrecisions.Parse("int8"));
        Assert.Equal(DetectorPrecision.Float32, DetectorPrecisions.Parse("float32"));
        Assert.Throws<ArgumentException>(() => DetectorPrecisions.Parse("fp16"));
        Assert.Throws<ArgumentException>(() => DetectorPrecisions.Parse("INT8"));
        Assert.Equal("int8", DetectorPrecisions.Name(DetectorPrecision.Int8));
    }
}
