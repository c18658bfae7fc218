using System.Security.Cryptography;
using System.Text;
using FaceGrains.Recognition.Importers;
using FaceGrains.TestSupport;
using Xunit;

namespace FaceGrains.Recognition.Tests.Importers;

/// <summary>The graph builder and the npm fetch, on the real face-api.js package (fetched once, then cached).</summary>
public sealed class FaceApiWeightsTests
{
    /// <summary>The real weights as the importer reads them (a copy each call: tests remove and add tensors).</summary>
    internal static Dictionary<string, TfjsTensor> RealWeights()
    {
        _ = TestModels.FaceApi; // the import leaves the verified package in the test home's cache
        return new Dictionary<string, TfjsTensor>(FaceApiImporter.ReadWeights(TestModels.Home.CacheDirectory, null, out _), StringComparer.Ordinal);
    }

    [RequiresModelFact]
    public void The_real_weights_build_a_graph()
    {
        var onnx = FaceRecognitionNetGraph.Build(RealWeights());

        Assert.True(onnx.Length > 1_000_000);
    }

    [RequiresModelTheory]
    [InlineData("fc")]
    [InlineData("conv32_down/conv/filters")]
    [InlineData("conv256_down_out/conv2/scale/weights")]
    public void Build_refuses_weights_with_a_tensor_missing_and_names_it(string name)
    {
        var weights = RealWeights();
        Assert.True(weights.Remove(name), $"the package has no tensor '{name}': the test's names need updating");

        var e = Assert.Throws<InvalidDataException>(() => FaceRecognitionNetGraph.Build(weights));

        Assert.Contains($"'{name}'", e.Message, StringComparison.Ordinal);
    }

    [RequiresModelFact]
    public void Build_refuses_weights_with_an_unknown_extra_tensor_and_names_it()
    {
        var weights = RealWeights();
        weights["conv512_1/conv1/filters"] = new TfjsTensor("conv512_1/conv1/filters", [3, 3, 1, 1], new float[9]);

        var e = Assert.Throws<InvalidDataException>(() => FaceRecognitionNetGraph.Build(weights));

        Assert.Contains("conv512_1/conv1/filters", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IntegrityOf_is_sha512_in_base64_as_npm_writes_it()
    {
        var path = Path.GetTempFileName();
        try
        {
            var bytes = Encoding.UTF8.GetBytes("any tarball bytes");
            File.WriteAllBytes(path, bytes);

            Assert.Equal("sha512-" + Convert.ToBase64String(SHA512.HashData(bytes)), NpmPackage.IntegrityOf(path));
            Assert.Equal(
                "sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg==",
                NpmPackage.IntegrityOf(WriteEmpty(path)));
        }
        finally
        {
            File.Delete(path);
        }

        static string WriteEmpty(string path)
        {
            File.WriteAllBytes(path, []);
            return path;
        }
    }

    [RequiresModelFact]
    public void A_tampered_tarball_in_the_cache_is_never_used()
    {
        var cache = Directory.CreateTempSubdirectory("facegrains-npm-cache-").FullName;
        try
        {
            var bogus = Path.Combine(cache, "tampered.tgz");
            File.WriteAllBytes(bogus, Encoding.UTF8.GetBytes("not the package"));

            var package = NpmPackage.Fetch(FaceApiImporter.PackageSpec, FaceApiImporter.PackageIntegrity, cache);

            Assert.NotEqual(bogus, package.TarballPath);
            Assert.Equal(FaceApiImporter.PackageIntegrity, NpmPackage.IntegrityOf(package.TarballPath));
            Assert.NotEmpty(package.ReadFile("model/face_recognition_model-weights_manifest.json"));
        }
        finally
        {
            Directory.Delete(cache, recursive: true);
        }
    }

    [RequiresModelFact]
    public void A_download_that_fails_its_integrity_check_is_refused_and_deleted()
    {
        var cache = Directory.CreateTempSubdirectory("facegrains-npm-cache-").FullName;
        try
        {
            // Only a bogus tarball under npm's own file name; the pinned integrity is wrong for everything.
            var bogus = Path.Combine(cache, "vladmandic-face-api-1.7.15.tgz");
            File.WriteAllBytes(bogus, Encoding.UTF8.GetBytes("not the package"));
            var wrong = "sha512-" + Convert.ToBase64String(SHA512.HashData(Encoding.UTF8.GetBytes("something else")));

            var e = Assert.Throws<InvalidDataException>(() => NpmPackage.Fetch(FaceApiImporter.PackageSpec, wrong, cache));

            Assert.Contains("integrity", e.Message, StringComparison.Ordinal);
            Assert.Contains(wrong, e.Message, StringComparison.Ordinal);
            Assert.Empty(Directory.EnumerateFiles(cache, "*.tgz"));
        }
        finally
        {
            Directory.Delete(cache, recursive: true);
        }
    }
}
