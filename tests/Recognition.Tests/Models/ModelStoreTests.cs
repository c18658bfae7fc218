using System.Security.Cryptography;
using System.Text;
using FaceGrains.Recognition.Models;
using FaceGrains.Recognition.Preprocessing;
using Xunit;

namespace FaceGrains.Recognition.Tests.Models;

public sealed class ModelStoreTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "facegrains-modelstore-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }

    internal static ModelManifest Manifest(string name = "test-model", DateTimeOffset created = default) => new()
    {
        Name = name,
        CreatedUtc = created,
        EmbeddingSize = 4,
        Preprocessing = new PreprocessingSpec { Width = 8, Height = 8 },
    };

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static string Sha256Hex(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static string IdOf(byte[] onnx, ModelManifest manifest) => ModelManifest.VersionIdFor(Sha256Hex(onnx), manifest.Preprocessing);

    [Fact]
    public void Publish_names_the_version_by_the_sha256_of_the_onnx_bytes_and_the_recipe_and_stores_both_files()
    {
        var store = new ModelStore(root);
        var onnx = Bytes("pretend onnx 1");

        var version = store.Publish(onnx, Manifest());

        Assert.Equal(IdOf(onnx, Manifest()), version.Id);
        Assert.Equal(Sha256Hex(onnx), version.Manifest.OnnxSha256);
        Assert.NotEqual(Sha256Hex(onnx), version.Id);
        Assert.Equal(version.Id[..12], version.ShortId);
        Assert.Equal(Path.Combine(root, version.Id, ModelStore.OnnxFileName), version.OnnxPath);
        Assert.Equal(onnx, File.ReadAllBytes(version.OnnxPath));
        Assert.True(File.Exists(Path.Combine(root, version.Id, ModelStore.ManifestFileName)));
        Assert.Equal("test-model", version.Manifest.Name);
        Assert.NotEqual(default, version.Manifest.CreatedUtc);
    }

    [Fact]
    public void Publishing_the_same_bytes_again_returns_the_existing_version_unchanged()
    {
        var store = new ModelStore(root);
        var onnx = Bytes("pretend onnx 2");
        var first = store.Publish(onnx, Manifest("first", DateTimeOffset.Parse("2024-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture)));

        var second = store.Publish(onnx, Manifest("second"));

        Assert.Equal(first.Id, second.Id);
        Assert.Equal("first", second.Manifest.Name);
        Assert.Equal(first.Manifest.CreatedUtc, second.Manifest.CreatedUtc);
        Assert.Single(Directory.EnumerateDirectories(root));
        Assert.Single(store.List());
    }

    [Fact]
    public void The_same_network_with_another_recipe_is_another_version()
    {
        var store = new ModelStore(root);
        var onnx = Bytes("pretend onnx 3");
        var plain = store.Publish(onnx, Manifest("plain"));

        var flipped = store.Derive(plain, plain.Manifest.Preprocessing with { FlipAverage = true }, "flipped", "flip averaging");

        Assert.NotEqual(plain.Id, flipped.Id);
        Assert.Equal(plain.Manifest.OnnxSha256, flipped.Manifest.OnnxSha256);
        Assert.Equal(onnx, File.ReadAllBytes(flipped.OnnxPath));
        Assert.True(flipped.Manifest.Preprocessing.FlipAverage);
        Assert.False(store.Get(plain.Id).Manifest.Preprocessing.FlipAverage);
        Assert.Contains(plain.Id, flipped.Manifest.Provenance.Notes, StringComparison.Ordinal);
        Assert.Equal(2, store.List().Count);
    }

    [Fact]
    public void UpdateManifest_refuses_to_change_the_recipe_or_the_onnx_hash()
    {
        var store = new ModelStore(root);
        var version = store.Publish(Bytes("model with a recipe"), Manifest());

        var e = Assert.Throws<InvalidOperationException>(() => store.UpdateManifest(version.Manifest with { Preprocessing = version.Manifest.Preprocessing with { FlipAverage = true } }));
        Assert.Contains("models derive", e.Message, StringComparison.Ordinal);

        // A manifest edited by hand so that its recipe no longer matches its id is refused when read.
        var path = Path.Combine(root, version.Id, ModelStore.ManifestFileName);
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"flip_average\": false", "\"flip_average\": true", StringComparison.Ordinal));
        Assert.Contains("does not match its recipe", Assert.Throws<InvalidDataException>(() => store.Get(version.Id)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Versions_written_by_an_earlier_manifest_format_are_left_out_and_named_when_asked_for()
    {
        var store = new ModelStore(root);
        var current = store.Publish(Bytes("current"), Manifest("current"));
        var old = Path.Combine(root, new string('e', 64));
        Directory.CreateDirectory(old);
        File.WriteAllText(Path.Combine(old, ModelStore.ManifestFileName), """{ "format": 1, "id": "eeee", "embedding_size": 4, "preprocessing": { "width": 8, "height": 8, "face_crop": "auto" } }""");

        Assert.Equal([current.Id], store.List().Select(v => v.Id));
        var e = Assert.Throws<ModelNotFoundException>(() => store.Get("eeeeee"));
        Assert.Contains("earlier FaceGrains", e.Message, StringComparison.Ordinal);
        Assert.Contains("import the model again", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Publish_refuses_an_invalid_manifest_and_writes_nothing()
    {
        var store = new ModelStore(root);

        Assert.Throws<InvalidDataException>(() => store.Publish(Bytes("x"), Manifest() with { EmbeddingSize = 0 }));

        Assert.Empty(store.List());
        Assert.False(Directory.Exists(root) && Directory.EnumerateFileSystemEntries(root).Any());
    }

    [Fact]
    public void Get_finds_a_version_by_full_id_and_by_a_six_character_prefix_in_either_case()
    {
        var store = new ModelStore(root);
        var a = store.Publish(Bytes("model a"), Manifest("a"));
        var b = store.Publish(Bytes("model b"), Manifest("b"));
        Assert.NotEqual(a.Id[..6], b.Id[..6]);

        Assert.Equal("a", store.Get(a.Id).Manifest.Name);
        Assert.Equal("b", store.Get(b.Id).Manifest.Name);
        Assert.Equal("a", store.Get(a.Id[..6]).Manifest.Name);
        Assert.Equal("b", store.Get(b.Id[..10].ToUpperInvariant()).Manifest.Name);
    }

    [Fact]
    public void Get_with_fewer_than_six_characters_says_the_id_is_too_short()
    {
        var store = new ModelStore(root);
        var a = store.Publish(Bytes("model a"), Manifest());

        var e = Assert.Throws<ModelNotFoundException>(() => store.Get(a.Id[..5]));

        Assert.Contains("too short", e.Message, StringComparison.Ordinal);
        Assert.Contains(a.Id[..5], e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Get_of_an_unknown_id_names_it_and_the_store()
    {
        var store = new ModelStore(root);
        store.Publish(Bytes("model a"), Manifest());
        var unknown = new string('0', 64) == store.List()[0].Id ? new string('1', 64) : new string('0', 64);

        var byPrefix = Assert.Throws<ModelNotFoundException>(() => store.Get(unknown[..8]));
        var byFullId = Assert.Throws<ModelNotFoundException>(() => store.Get(unknown));

        Assert.Contains(unknown[..8], byPrefix.Message, StringComparison.Ordinal);
        Assert.Contains(root, byPrefix.Message, StringComparison.Ordinal);
        Assert.Contains(unknown, byFullId.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Get_of_an_empty_store_that_does_not_exist_yet_is_model_not_found()
    {
        var store = new ModelStore(root);

        Assert.Throws<ModelNotFoundException>(() => store.Get("abcdef"));
    }

    [Fact]
    public void Get_of_a_prefix_shared_by_two_versions_says_it_is_ambiguous()
    {
        var store = new ModelStore(root);
        var (first, second) = TwoBlobsWithTheSameSixHexDigitPrefix(blob => IdOf(blob, Manifest()));
        var a = store.Publish(first, Manifest("a"));
        var b = store.Publish(second, Manifest("b"));
        Assert.Equal(a.Id[..6], b.Id[..6]);

        var e = Assert.Throws<ModelNotFoundException>(() => store.Get(a.Id[..6]));

        Assert.Contains("ambiguous", e.Message, StringComparison.Ordinal);
        Assert.Contains(a.Id[..6], e.Message, StringComparison.Ordinal);
        Assert.Equal("a", store.Get(a.Id).Manifest.Name);
        Assert.Equal("b", store.Get(b.Id).Manifest.Name);
    }

    [Fact]
    public void List_is_newest_first_and_skips_staging_and_half_written_folders()
    {
        var store = new ModelStore(root);
        var t0 = DateTimeOffset.Parse("2024-03-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        store.Publish(Bytes("middle"), Manifest("middle", t0.AddDays(1)));
        store.Publish(Bytes("oldest"), Manifest("oldest", t0));
        store.Publish(Bytes("newest"), Manifest("newest", t0.AddDays(2)));

        // A staging folder (even one holding a manifest) and a version folder whose manifest never got written.
        var staging = Path.Combine(root, ".staging-" + new string('a', 64) + "-1");
        Directory.CreateDirectory(staging);
        File.WriteAllText(Path.Combine(staging, ModelStore.ManifestFileName), Manifest("staging").ToJson());
        var half = Path.Combine(root, new string('b', 64));
        Directory.CreateDirectory(half);
        File.WriteAllBytes(Path.Combine(half, ModelStore.OnnxFileName), Bytes("half"));

        Assert.Equal(["newest", "middle", "oldest"], store.List().Select(v => v.Manifest.Name));
        Assert.Throws<ModelNotFoundException>(() => store.Get(new string('b', 64)));
    }

    [Fact]
    public void List_of_a_missing_root_is_empty()
    {
        Assert.Empty(new ModelStore(root).List());
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("null")]
    [InlineData("""{ "format": 2, "embedding_size": "many" }""")]
    [InlineData("""{ "format": 7, "embedding_size": 4, "preprocessing": { "width": 8, "height": 8 } }""")]
    [InlineData("""{ "format": 2, "embedding_size": 4, "preprocessing": { "width": 8, "height": 8, "mean": null } }""")]
    [InlineData("""{ "format": 2, "embedding_size": 4, "preprocessing": { "width": 8, "height": 8, "crop": { "side": 9 } } }""")]
    public void A_corrupt_manifest_gives_invalid_data_naming_the_file(string content)
    {
        var store = new ModelStore(root);
        var good = store.Publish(Bytes("good"), Manifest());
        var broken = Path.Combine(root, new string('c', 64));
        Directory.CreateDirectory(broken);
        var manifestPath = Path.Combine(broken, ModelStore.ManifestFileName);
        File.WriteAllText(manifestPath, content);

        var fromList = Assert.Throws<InvalidDataException>(() => store.List());
        var fromGet = Assert.Throws<InvalidDataException>(() => store.Get(new string('c', 64)));

        Assert.Contains(manifestPath, fromList.Message, StringComparison.Ordinal);
        Assert.Contains(manifestPath, fromGet.Message, StringComparison.Ordinal);
        Assert.Equal(good.Id, store.Get(good.Id).Id);
    }

    [Fact]
    public void UpdateManifest_replaces_thresholds_and_evaluation_and_keeps_the_model()
    {
        var store = new ModelStore(root);
        var onnx = Bytes("model to evaluate");
        var version = store.Publish(onnx, Manifest());

        var updated = store.UpdateManifest(version.Manifest with
        {
            Thresholds = new() { ["eer"] = 0.42, ["far_1e-3"] = 0.61 },
            Evaluation = new() { ["lfw"] = new() { ["accuracy_mean"] = 0.978 } },
        });

        var reloaded = new ModelStore(root).Get(version.Id);
        Assert.Equal(version.Id, updated.Id);
        Assert.Equal(0.42, reloaded.Manifest.Thresholds["eer"]);
        Assert.Equal(0.61, reloaded.Manifest.Thresholds["far_1e-3"]);
        Assert.Equal(0.978, reloaded.Manifest.Evaluation["lfw"]["accuracy_mean"]);
        Assert.Equal(version.Manifest.CreatedUtc, reloaded.Manifest.CreatedUtc);
        Assert.Equal(onnx, File.ReadAllBytes(reloaded.OnnxPath));
        Assert.Single(store.List());

        // A second update replaces rather than merges.
        store.UpdateManifest(reloaded.Manifest with { Thresholds = new() { ["eer"] = 0.5 }, Evaluation = [] });
        var again = store.Get(version.Id).Manifest;
        Assert.Equal(["eer"], again.Thresholds.Keys);
        Assert.Empty(again.Evaluation);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(root, version.Id), "*.tmp"));
    }

    [Fact]
    public void UpdateManifest_of_an_unknown_version_or_with_an_invalid_manifest_changes_nothing()
    {
        var store = new ModelStore(root);
        var version = store.Publish(Bytes("model"), Manifest());

        Assert.Throws<ModelNotFoundException>(() => store.UpdateManifest(version.Manifest with { Id = new string('d', 64) }));
        Assert.Throws<InvalidDataException>(() => store.UpdateManifest(version.Manifest with { Distance = "euclidean", Thresholds = new() { ["eer"] = 1 } }));

        Assert.Empty(store.Get(version.Id).Manifest.Thresholds);
    }

    /// <summary>Two different byte strings whose version ids start with the same 6 hex digits (a birthday search: a few thousand hashes).</summary>
    private static (byte[] First, byte[] Second) TwoBlobsWithTheSameSixHexDigitPrefix(Func<byte[], string> id)
    {
        var seen = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        for (var i = 0; ; i++)
        {
            var blob = Bytes($"model blob {i}");
            var prefix = id(blob)[..6];
            if (seen.TryGetValue(prefix, out var earlier))
            {
                return (earlier, blob);
            }

            seen[prefix] = blob;
        }
    }
}
