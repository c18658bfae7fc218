using System.Text.Json;
using System.Text.Json.Nodes;
using FaceGrains.Recognition.Importers;
using FaceGrains.Recognition.Similarity;
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

    [Fact]
    public void Keys_new_prints_a_key_once_with_the_settings_that_admit_it()
    {
        var (code, stdout, _) = Run("keys", "new", "ops", "--role", "admin", "--json");
        Assert.Equal(0, code);
        var json = System.Text.Json.Nodes.JsonNode.Parse(stdout)!;
        var key = json["key"]!.GetValue<string>();
        Assert.StartsWith("fgk_", key, StringComparison.Ordinal);
        Assert.Equal(FaceGrains.Grains.Interfaces.ApiKeyHash.Of(key), json["sha256"]!.GetValue<string>());
        var environment = json["environment"]!.AsArray().Select(e => e!.GetValue<string>()).ToList();
        Assert.Equal(["FaceGrains__ApiKeys__ops__Role=admin", $"FaceGrains__ApiKeys__ops__Sha256={json["sha256"]}"], environment);
        Assert.NotEqual(key, System.Text.Json.Nodes.JsonNode.Parse(Run("keys", "new", "ops", "--json").Stdout)!["key"]!.GetValue<string>());
        Assert.Equal(CliErrors.UserError, Run("keys", "new", "has space").ExitCode);
        Assert.NotEqual(0, Run("keys", "new", "ops", "--role", "owner").ExitCode);
    }

    private (int ExitCode, string Stdout, string Stderr) Run(params string[] args) => InProcessCli.Run(output, args);

    /// <summary>The test home holding the imported face-api model (imported once per machine).</summary>
    private static string ModelHome()
    {
        _ = TestModels.FaceApi;
        return TestModels.Home.Root;
    }

    private static float[] Floats(JsonNode? array) => array!.AsArray().Select(v => v!.GetValue<float>()).ToArray();

    [RequiresModelFact("lfw")]
    public void Models_quantize_faceapi_measures_ranges_on_photos_and_publishes_an_int8_build_close_to_float32()
    {
        var (code, stdout, stderr) = Run("models", "quantize-faceapi", "--data", SharedData.PathOf("lfw"), "--images", "12", "--percentile", "100", "--json", "--home", ModelHome());

        Assert.True(code == 0, stderr);
        var json = JsonNode.Parse(stdout)!;
        Assert.Equal(FaceApiInt8.MeasuredModelName, json["name"]!.GetValue<string>());
        Assert.NotEqual(TestModels.FaceApi.Id, json["id"]!.GetValue<string>());
        Assert.Equal(TestModels.FaceApi.Manifest.Preprocessing.Fingerprint(), json["recipe_sha256"]!.GetValue<string>());
        Assert.Equal(12, json["faces"]!.GetValue<int>() + json["photos_passed_over"]!.GetValue<int>());
        Assert.Equal(FaceApiInt8.Ranges.Count, json["ranges"]!.AsArray().Count);
        Assert.True(json["cosine_to_float32_mean"]!.GetValue<double>() >= 0.99, stdout);

        // The build embeds like any version.
        (code, stdout, _) = Run("embed", SharedData.PathOf("bbt", "reference", "face1.png"), "--aligned", "--model", json["id"]!.GetValue<string>(), "--json", "--home", ModelHome());
        Assert.Equal(0, code);
        Assert.Equal(128, JsonNode.Parse(stdout)!["embedding"]!.AsArray().Count);

        // A folder with no photos is refused with a clear error.
        var empty = Directory.CreateDirectory(Path.Combine(temp, "no-photos", "someone")).Parent!.FullName;
        (code, _, stderr) = Run("models", "quantize-faceapi", "--data", empty, "--images", "4", "--home", ModelHome());
        Assert.NotEqual(0, code);
        output.WriteLine(stderr);
    }

    [RequiresModelFact("bbt/reference")]
    public void Embed_of_face_api_js_input_gives_the_raw_descriptor_face_api_js_gives()
    {
        var image = SharedData.PathOf("bbt", "reference", "face1.png");

        // face-api.js feeds its 150×150 chip to the net as it is: a version derived with that recipe (center-crop, fit).
        var (code, stdout, _) = Run("models", "derive", "--face-crop", "center-crop", "--crop", "fit", "--name", "dlib-resnet-faceapi-chip", "--json", "--home", ModelHome());
        Assert.Equal(0, code);
        var derived = JsonNode.Parse(stdout)!;
        Assert.NotEqual(TestModels.FaceApi.Id, derived["id"]!.GetValue<string>());
        Assert.Contains("center-crop fit", derived["recipe"]!.GetValue<string>(), StringComparison.Ordinal);
        (code, stdout, _) = Run("embed", image, "--model", derived["id"]!.GetValue<string>(), "--json", "--home", ModelHome());

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
        Assert.Equal((150, 150), (json["width"]!.GetValue<int>(), json["height"]!.GetValue<int>()));

        // The served version aligns the same chip onto its template first (declared aligned): the same face, nearly the same direction.
        (code, stdout, _) = Run("embed", image, "--aligned", "--json", "--home", ModelHome());
        Assert.Equal(0, code);
        var served = JsonNode.Parse(stdout)!;
        Assert.Equal(TestModels.FaceApi.Id, served["model"]!.GetValue<string>());
        Assert.Equal(5, served["faces"]![0]!["five_points"]!.AsArray().Count);
        var norm = Math.Sqrt(reference.Sum(v => (double)v * v));
        var cosine = Floats(served["embedding"]).Zip(reference).Sum(p => (double)p.First * p.Second) / norm;
        output.WriteLine($"served embedding vs face-api.js's direction: cosine {cosine:F4}");
        Assert.True(cosine > 0.97, $"cosine {cosine:F4}");
    }

    [RequiresModelFact("bbt/reference")]
    public void Embed_of_a_photo_embeds_its_largest_face_aligned_and_lists_the_others()
    {
        var (code, stdout, _) = Run("embed", SharedData.PathOf("bbt", "reference", "faces.jpg"), "--json", "--home", ModelHome());

        Assert.Equal(0, code);
        var json = JsonNode.Parse(stdout)!;
        Assert.Equal("faces_found", json["outcome"]!.GetValue<string>());
        var face = Assert.Single(json["faces"]!.AsArray())!;
        Assert.Equal(5, json["other_faces"]!.GetValue<int>());
        Assert.Equal(5, face["five_points"]!.AsArray().Count);
        Assert.Equal(128, json["embedding"]!.AsArray().Count);
    }

    [RequiresModelFact]
    public void Embed_of_a_photo_without_a_face_is_a_user_error_without_an_embedding()
    {
        var noise = Path.Combine(temp, "noise.png");
        var pixels = new byte[320 * 240 * 3];
        new Random(1).NextBytes(pixels);
        Recognition.Detection.FaceDrawing.SavePng(new Recognition.Images.RgbImage(320, 240, pixels), [], noise);

        var (code, stdout, _) = Run("embed", noise, "--json", "--home", ModelHome());

        Assert.Equal(2, code);
        var json = JsonNode.Parse(stdout)!;
        Assert.Equal("no_face", json["outcome"]!.GetValue<string>());
        Assert.Null(json["embedding"]);
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
            "--aligned", "--json", "--plots", plots, "--home", ModelHome());

        Assert.Equal(0, code);
        var json = JsonNode.Parse(stdout)!.AsObject();
        output.WriteLine(json.ToJsonString());
        Assert.True(json["rank1"]!.GetValue<double>() >= 0.9, $"rank-1 {json["rank1"]}");
        Assert.Equal((30, 10), (json["known_identities"]!.GetValue<int>(), json["unknown_identities"]!.GetValue<int>()));
        Assert.Equal((210, 100), (json["mated_searches"]!.GetValue<int>(), json["non_mated_searches"]!.GetValue<int>()));
        foreach (var key in new[]
        {
            "fnir_at_fpir_1e-2", "fnir_at_fpir_1e-3", "threshold_at_fpir_1e-2", "threshold_at_fpir_1e-3",
            "default_threshold", "default_threshold_source", "fpir_at_default_threshold", "fnir_at_default_threshold", "shipped_threshold", "gallery_impostor_scores",
        })
        {
            Assert.True(json.ContainsKey(key), $"missing {key}");
        }

        var det = json["det_plot"]!.GetValue<string>();
        Assert.Equal(Path.GetFullPath(plots), Path.GetDirectoryName(det));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(det)[..4]);
    }

    [RequiresModelFact("orl")]
    public void Eval_openset_at_a_compact_shard_precision_says_so_and_keeps_a_small_gallery_exact()
    {
        string[] common = ["eval", "openset", "--data", SharedData.PathOf("orl"), "--enroll-per-identity", "3", "--min-images", "10", "--aligned", "--json", "--plots", Path.Combine(temp, "plots"), "--home", ModelHome(), "--face-cache", Path.Combine(temp, "prepared-faces")];
        JsonObject Eval(string precision)
        {
            var (code, stdout, stderr) = Run([.. common, "--shard-precision", precision]);
            Assert.True(code == 0, stderr);
            return JsonNode.Parse(stdout)!.AsObject();
        }

        var exact = Eval("float32");
        var int8 = Eval("int8");
        Assert.Equal(("float32", 512), (exact["shard_precision"]!.GetValue<string>(), exact["bytes_per_identity"]!.GetValue<int>()));
        Assert.Equal(("int8", 132), (int8["shard_precision"]!.GetValue<string>(), int8["bytes_per_identity"]!.GetValue<int>()));
        // ORL's 30 known identities are fewer rows than a compact matrix keeps exact before it fixes its center
        // (ShardMatrix.CenterRows): nothing is rounded yet, so every figure is float32's and the score error is zero.
        Assert.True(30 < ShardMatrix.CenterRows);
        Assert.Equal(30, int8["known_identities"]!.GetValue<int>());
        Assert.Equal(exact["rank1"]!.GetValue<double>(), int8["rank1"]!.GetValue<double>());
        Assert.Equal(exact["threshold_at_fpir_1e-2"]!.ToJsonString(), int8["threshold_at_fpir_1e-2"]!.ToJsonString());
        Assert.Equal(0, int8["top_score_error_max"]!.GetValue<double>());
        Assert.Null(exact["top_score_error_max"]);

        var (bad, _, error) = Run([.. common, "--shard-precision", "int4"]);
        Assert.NotEqual(0, bad);
        Assert.Contains("--shard-precision must be one of: float32, bf16, int8", error, StringComparison.Ordinal);
    }

    [RequiresModelFact("orl")]
    public void Eval_openset_answers_a_fixed_threshold_and_a_face_cache_changes_no_figure()
    {
        var cache = Path.Combine(temp, "prepared-faces");
        string[] common = ["eval", "openset", "--data", SharedData.PathOf("orl"), "--enroll-per-identity", "3", "--min-images", "10", "--aligned", "--json", "--plots", Path.Combine(temp, "plots"), "--home", ModelHome()];
        JsonObject Eval(params string[] more)
        {
            var (code, stdout, stderr) = Run([.. common, .. more]);
            Assert.True(code == 0, stderr);
            return JsonNode.Parse(stdout)!.AsObject();
        }

        // A cosine no face reaches: every search answered no-correspondence.
        var none = Eval("--threshold", "1.01");
        Assert.Equal((1.01, 0.0, 1.0), (none["threshold"]!.GetValue<double>(), none["fpir_at_threshold"]!.GetValue<double>(), none["fnir_at_threshold"]!.GetValue<double>()));

        var first = Eval("--threshold", "0.5", "--face-cache", cache);
        Assert.NotEmpty(Directory.GetFiles(cache, "*.bin", SearchOption.AllDirectories));
        var second = Eval("--threshold", "0.5", "--face-cache", cache);
        foreach (var key in new[] { "rank1", "fnir_at_fpir_1e-2", "threshold_at_fpir_1e-2", "rejected_images", "default_threshold" })
        {
            Assert.Equal(none[key]!.ToJsonString(), first[key]!.ToJsonString());
            Assert.Equal(none[key]!.ToJsonString(), second[key]!.ToJsonString());
        }

        // The dlib model's impostor cosines sit far above 0.5, so that fixed rule accepts most strangers.
        Assert.True(first["fpir_at_threshold"]!.GetValue<double>() > 0.5, $"FPIR at cosine 0.5: {first["fpir_at_threshold"]}");
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
        Assert.Contains("align onto a 150×150 template", faceApi["recipe"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(faceApi["calibrated"]!.GetValue<bool>());
    }
}
