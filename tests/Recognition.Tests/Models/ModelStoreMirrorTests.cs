using System.Text;
using FaceGrains.Recognition.Models;
using FaceGrains.Recognition.Storage;
using FaceGrains.TestSupport;
using Xunit;

namespace FaceGrains.Recognition.Tests.Models;

/// <summary>
/// Two model stores with their own folders and one blob container (a private Azurite): what one publishes or
/// calibrates, the other sees, as silos and the command line of the azure profile do without a shared folder.
/// </summary>
public sealed class ModelStoreMirrorTests : IAsyncLifetime
{
    private readonly string root = Directory.CreateTempSubdirectory("facegrains-mirror-").FullName;
    private Azurite? azurite;

    public async Task InitializeAsync()
    {
        if (Azurite.Missing is null)
        {
            azurite = await Azurite.StartAsync();
        }
    }

    public async Task DisposeAsync()
    {
        if (azurite is not null)
        {
            await azurite.DisposeAsync();
        }

        Directory.Delete(root, recursive: true);
    }

    private ModelStore Store(string name, string serviceId = "mirror-test") =>
        new(Path.Combine(root, name), new BlobModelMirror(azurite!.Account(serviceId)));

    [RequiresAzuriteFact]
    public void A_version_published_on_one_machine_is_fetched_whole_by_another()
    {
        var a = Store("a");
        var published = a.Publish(Encoding.UTF8.GetBytes("onnx bytes"), ModelStoreTests.Manifest("shared"));

        var b = Store("b");
        Assert.False(Directory.Exists(Path.Combine(b.Root, published.Id)));
        var fetched = b.Get(published.ShortId);

        Assert.Equal(published.Id, fetched.Id);
        Assert.Equal("onnx bytes", File.ReadAllText(fetched.OnnxPath));
        Assert.StartsWith(b.Root, fetched.OnnxPath, StringComparison.Ordinal);
        Assert.Equal([published.Id], b.List().Select(v => v.Id));

        // A listing reads manifests, not networks: the ONNX file comes when the version is used.
        var c = Store("c");
        var listed = Assert.Single(c.List());
        Assert.Equal(published.Id, listed.Id);
        Assert.False(File.Exists(listed.OnnxPath));
        Assert.Equal("onnx bytes", File.ReadAllText(c.Get(published.Id).OnnxPath));
        Assert.Equal("onnx bytes", File.ReadAllText(Store("d").Find(m => m.Name == "shared")!.OnnxPath));

        // Another gallery (service id) of the same account sees none of it.
        Assert.Empty(Store("other", serviceId: "other-gallery").List());
    }

    [RequiresAzuriteFact]
    public void A_file_written_beside_a_manifest_on_one_machine_replaces_the_others_copy()
    {
        var a = Store("a");
        var version = a.Publish(Encoding.UTF8.GetBytes("onnx"), ModelStoreTests.Manifest("calibrated"));
        var b = Store("b");
        var onB = b.Get(version.Id);
        a.WriteFile(version, "impostor-tail.json", "{\"first\":1}");
        Assert.Equal("{\"first\":1}", File.ReadAllText(Path.Combine(Path.GetDirectoryName(b.Get(version.Id).OnnxPath)!, "impostor-tail.json")));

        // B calibrates again: A takes B's on its next look.
        b.WriteFile(onB, "impostor-tail.json", "{\"second\":2}");
        Assert.Equal("{\"second\":2}", File.ReadAllText(Path.Combine(Path.GetDirectoryName(a.Get(version.Id).OnnxPath)!, "impostor-tail.json")));

        // A manifest update (evaluation figures) travels the same way.
        var updated = a.UpdateManifest(a.Get(version.Id).Manifest with { Thresholds = new() { ["fmr_1e-3"] = 0.5 } });
        Assert.Equal(0.5, b.Get(updated.Id).Manifest.Thresholds["fmr_1e-3"]);
    }

    [RequiresAzuriteFact]
    public void A_version_only_in_a_local_folder_is_added_to_the_mirror_when_looked_up()
    {
        var local = new ModelStore(Path.Combine(root, "a"));
        var version = local.Publish(Encoding.UTF8.GetBytes("imported before the cluster"), ModelStoreTests.Manifest("early"));
        Assert.Empty(Store("b").List());

        _ = Store("a").Get(version.Id);

        Assert.Equal([version.Id], Store("b").List().Select(v => v.Id));
    }

    [RequiresAzuriteFact]
    public void A_damaged_onnx_file_in_the_mirror_is_refused_and_leaves_no_folder()
    {
        var a = Store("a");
        var version = a.Publish(Encoding.UTF8.GetBytes("good bytes"), ModelStoreTests.Manifest("damaged"));
        new BlobModelMirror(azurite!.Account("mirror-test")).UploadText(version.Id, ModelStore.OnnxFileName, "bad bytes");

        var b = Store("b");
        var error = Assert.Throws<InvalidDataException>(() => b.Get(version.Id));
        Assert.Contains("damaged", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(b.Root, version.Id)));

        // Listed first (manifest only), then used: refused the same way, and no ONNX file is left behind.
        var c = Store("c");
        var listed = Assert.Single(c.List());
        Assert.Contains("damaged", Assert.Throws<InvalidDataException>(() => c.Get(version.Id)).Message, StringComparison.Ordinal);
        Assert.False(File.Exists(listed.OnnxPath));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(listed.OnnxPath)!, "*.tmp"));
    }

    [Fact]
    public void A_connection_string_that_is_not_one_is_refused_without_repeating_it()
    {
        var error = Assert.Throws<ArgumentException>(() => AzureStorageAccount.Parse("AccountName=x;AccountKey=secret-key-text;Nonsense"));
        Assert.Contains("FaceGrains:AzureStorage", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-key-text", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("facegrains", "models", "facegrains-models")]
    [InlineData("FaceGrains_Test.1", "faces", "facegrains-test-1-faces")]
    [InlineData("--a--", "faces", "a-faces")]
    public void Container_names_keep_to_what_blob_storage_allows(string serviceId, string kind, string expected) =>
        Assert.Equal(expected, AzureStorageAccount.ContainerName(serviceId, kind));

    [Fact]
    public void A_long_service_id_gives_a_container_name_of_at_most_63_characters_that_still_tells_galleries_apart()
    {
        var a = AzureStorageAccount.ContainerName(new string('a', 80) + "1", "models");
        var b = AzureStorageAccount.ContainerName(new string('a', 80) + "2", "models");
        Assert.True(a.Length <= 63, a);
        Assert.EndsWith("-models", a, StringComparison.Ordinal);
        Assert.NotEqual(a, b);
    }
}
