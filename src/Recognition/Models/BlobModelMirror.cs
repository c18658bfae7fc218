using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using FaceGrains.Recognition.Storage;

namespace FaceGrains.Recognition.Models;

/// <summary>
/// Model versions in a blob container (<c>&lt;service id&gt;-models</c>): blob <c>&lt;version id&gt;/&lt;file&gt;</c> for each
/// file of a version's folder (<c>model.onnx</c>, <c>manifest.json</c>, <c>impostor-tail.json</c>). The
/// <see cref="ModelStore"/> of every silo and of the command line keeps its local folder in step with it.
/// </summary>
public sealed class BlobModelMirror : IModelMirror
{
    public const string ContainerKind = "models";

    private readonly BlobContainerClient container;
    private bool created;

    public BlobModelMirror(AzureStorageAccount account)
    {
        ArgumentNullException.ThrowIfNull(account);
        container = account.Container(ContainerKind);
        Describe = $"blob container '{container.Name}' at {account.Endpoint}";
    }

    public string Describe { get; }

    public IReadOnlyList<string> ListIds() =>
        Names(prefix: null).Where(n => n.EndsWith("/" + ModelStore.ManifestFileName, StringComparison.Ordinal)).Select(n => n[..n.IndexOf('/', StringComparison.Ordinal)]).ToList();

    public IReadOnlyList<string> ListFiles(string versionId) => Names(versionId + "/").Select(n => n[(versionId.Length + 1)..]).ToList();

    public string? ReadText(string versionId, string fileName)
    {
        try
        {
            return Blob(versionId, fileName).DownloadContent().Value.Content.ToString();
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    public void Download(string versionId, string fileName, string path) => Blob(versionId, fileName).DownloadTo(path);

    public void Upload(string versionId, string fileName, string path)
    {
        EnsureContainer();
        Blob(versionId, fileName).Upload(path, overwrite: true);
    }

    public void UploadText(string versionId, string fileName, string text)
    {
        EnsureContainer();
        Blob(versionId, fileName).Upload(BinaryData.FromString(text), overwrite: true);
    }

    private List<string> Names(string? prefix)
    {
        try
        {
            return container.GetBlobs(BlobTraits.None, BlobStates.None, prefix, cancellationToken: default).Select(b => b.Name).ToList();
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return []; // no container yet: nothing published
        }
    }

    private void EnsureContainer()
    {
        if (!created)
        {
            container.CreateIfNotExists();
            created = true;
        }
    }

    private BlobClient Blob(string versionId, string fileName) => container.GetBlobClient($"{versionId}/{fileName}");
}
