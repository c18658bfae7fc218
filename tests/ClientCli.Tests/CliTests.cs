using System.Text.Json;
using System.Text.Json.Nodes;
using FaceGrains.Recognition.Importers;
using FaceGrains.TestSupport;
using Xunit;
using Xunit.Abstractions;

// Console is process-wide: CLI tests redirect it, so none may run beside another.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace FaceGrains.ClientCli.Tests;

/// <summary>The <c>facegrains</c> command line in-process, as a user would type it, with stdout and stderr captured.</summary>
public sealed class CliTests(ITestOutputHelper output) : IDisposable
{
    private readonly string temp = Directory.CreateTempSubdirectory("facegrains-cli-").FullName;

    public void Dispose() => Directory.Delete(temp, recursive: true);

    private (int ExitCode, string Stdout, string Stderr) Run(params string[] args) => InProcessCli.Run(output, args);

    /// <summary>The test home holding the imported face-api model (imported once per machine).</summary>
    private static string ModelHome()
    {
        _ = TestModels.FaceApi;
        return TestModels.Home.Root;
    }

    private static float[] Floats(JsonNode? array) => array!.AsArray().Select(v => v!.GetValue<float>()).ToArray();

    [RequiresModelFact("bbt/reference")]
    public void Embed_prints_a_unit_embedding_and_the_raw_descriptor_face_api_js_gives()
    {
        var image = SharedData.PathOf("bbt", "reference", "face1.png");

        var (code, stdout, _) = Run("embed", image, "--crop", "fit", "--json", "--home", ModelHome());

        Assert.Equal(0, code);
        var json = JsonNode.Parse(stdout)!;
        var embedding = Floats(json["embedding"]);
        var raw = Floats(json["raw"]);
        var reference = JsonSerializer.Deserialize<float[]>(File.ReadAllText(SharedData.PathOf("bbt", "reference", "faceDescriptor1.json")))!;
        Assert.Equal(128, embedding.Length);
        Assert.Equal(1.0, Math.Sqrt(embedding.Sum(v => (double)v * v)), 4);
        var distance = Math.Sqrt(raw.Zip(reference).Sum(p => (double)(p.First - p.Second) * (p.First - p.Second)));
        output.WriteLine($"raw vs face-api.js: {distance:F5}");
        Assert.True(distance <= 0.045, $"distance {distance:F5}");
        Assert.Equal("fit", json["crop"]!.GetValue<string>());
        Assert.Equal(TestModels.FaceApi.Id, json["model"]!.GetValue<string>());
        Assert.Equal((150, 150), (json["width"]!.GetValue<int>(), json["height"]!.GetValue<int>()));
    }

    [RequiresModelFact]
    public void Embed_of_a_corrupt_file_is_a_user_error_with_kind_image_undecodable()
    {
        var corrupt = Path.Combine(temp, "corrupt.jpg");
        File.WriteAllText(corrupt, "this is not an image at all");

        var (code, stdout, stderr) = Run("embed", corrupt, "--json", "--home", ModelHome());

        Assert.Equal(2, code);
        var json = JsonNode.Parse(stdout)!;
        Assert.Equal("image_undecodable", json["kind"]!.GetValue<string>());
        Assert.False(string.IsNullOrWhiteSpace(json["error"]!.GetValue<string>()));
        Assert.StartsWith("error: ", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [RequiresModelFact]
    public void Embed_of_a_missing_file_is_a_user_error_naming_it()
    {
        var missing = Path.Combine(temp, "nobody.png");

        var (code, stdout, stderr) = Run("embed", missing, "--json", "--home", ModelHome());

        Assert.Equal(2, code);
        Assert.Contains("nobody.png", JsonNode.Parse(stdout)!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [RequiresModelFact("bbt/reference")]
    public void Embed_with_an_unknown_model_is_model_not_found()
    {
        Assert.False(TestModels.FaceApi.Id.StartsWith("ffffff", StringComparison.Ordinal));

        var (code, stdout, _) = Run("embed", SharedData.PathOf("bbt", "reference", "face1.png"), "--model", "ffffff", "--json", "--home", ModelHome());

        Assert.Equal(2, code);
        var json = JsonNode.Parse(stdout)!;
        Assert.Equal("model_not_found", json["kind"]!.GetValue<string>());
        Assert.Contains("ffffff", json["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [RequiresModelFact("orl")]
    public void Eval_openset_on_orl_reports_rank1_fnir_and_writes_the_det_plot()
    {
        var plots = Path.Combine(temp, "plots");

        var (code, stdout, _) = Run(
            "eval", "openset", "--data", SharedData.PathOf("orl"), "--enroll-per-identity", "3", "--min-images", "10",
            "--crop", "full", "--json", "--plots", plots, "--home", ModelHome());

        Assert.Equal(0, code);
        var json = JsonNode.Parse(stdout)!.AsObject();
        output.WriteLine(json.ToJsonString());
        Assert.True(json["rank1"]!.GetValue<double>() >= 0.9, $"rank-1 {json["rank1"]}");
        Assert.Equal((30, 10), (json["known_identities"]!.GetValue<int>(), json["unknown_identities"]!.GetValue<int>()));
        Assert.Equal((210, 100), (json["mated_searches"]!.GetValue<int>(), json["non_mated_searches"]!.GetValue<int>()));
        foreach (var key in new[] { "fnir_at_fpir_1e-2", "fnir_at_fpir_1e-3", "threshold_at_fpir_1e-2", "threshold_at_fpir_1e-3" })
        {
            Assert.True(json.ContainsKey(key), $"missing {key}");
        }

        var det = json["det_plot"]!.GetValue<string>();
        Assert.Equal(Path.GetFullPath(plots), Path.GetDirectoryName(det));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(det)[..4]);
    }

    [RequiresModelFact("orl")]
    public void Eval_openset_with_no_images_left_to_probe_is_a_user_error()
    {
        var (code, stdout, stderr) = Run(
            "eval", "openset", "--data", SharedData.PathOf("orl"), "--enroll-per-identity", "3", "--min-images", "3",
            "--json", "--plots", Path.Combine(temp, "plots"), "--home", ModelHome());

        Assert.Equal(2, code);
        Assert.Contains("--min-images", JsonNode.Parse(stdout)!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Models_list_of_an_empty_home_is_an_empty_list()
    {
        var home = Path.Combine(temp, "home");

        var (code, stdout, _) = Run("models", "list", "--json", "--home", home);

        Assert.Equal(0, code);
        var json = JsonNode.Parse(stdout)!;
        Assert.Empty(json["models"]!.AsArray());
        Assert.Equal(Path.Combine(Path.GetFullPath(home), "models"), json["store"]!.GetValue<string>());
    }

    [RequiresModelFact]
    public void Models_list_shows_the_imported_face_api_model()
    {
        var (code, stdout, _) = Run("models", "list", "--json", "--home", ModelHome());

        Assert.Equal(0, code);
        var models = JsonNode.Parse(stdout)!["models"]!.AsArray();
        var faceApi = Assert.Single(models, m => m!["name"]!.GetValue<string>() == FaceApiImporter.ModelName)!;
        Assert.Equal(TestModels.FaceApi.Id, faceApi["id"]!.GetValue<string>());
        Assert.Equal(128, faceApi["embedding_size"]!.GetValue<int>());
        Assert.Equal("150x150", faceApi["input"]!.GetValue<string>());
        Assert.Equal("fit", faceApi["crop"]!.GetValue<string>());
    }
}
