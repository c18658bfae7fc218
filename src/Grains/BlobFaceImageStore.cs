using Azure;
using Azure.Storage.Blobs;
using FaceGrains.Recognition.Storage;

namespace FaceGrains.Grains;

/// <summary>
/// Face images as blobs <c>&lt;sha256&gt;</c> in the container <c>&lt;service id&gt;-faces</c> (the <c>azure</c> profile), so
/// silos on different machines read each other's enrolments without a shared folder. Content-addressed as
/// <see cref="FileFaceImageStore"/>: two silos writing one face write the same bytes, and a write that finds the blob
/// there is a no-op.
/// </summary>
public sealed class BlobFaceImageStore : IFaceImageStore
{
    public const string ContainerKind = "faces";

    private readonly BlobContainerClient container;

    public BlobFaceImageStore(AzureStorageAccount account)
    {
        ArgumentNullException.ThrowIfNull(account);
        container = account.Container(ContainerKind);
    }

    public async Task<string> SaveAsync(string faceId, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken = default)
    {
        var blob = Blob(faceId);
        try
        {
            // If-None-Match: * — the bytes are the id's, so an existing blob is already right.
            await blob.UploadAsync(BinaryData.FromBytes(bytes), new Azure.Storage.Blobs.Models.BlobUploadOptions { Conditions = new() { IfNoneMatch = ETag.All } }, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            // Already there.
        }

        return blob.Uri.AbsoluteUri;
    }

    public async Task<byte[]?> ReadAsync(string faceId, CancellationToken cancellationToken = default)
    {
        try
        {
            return (await Blob(faceId).DownloadContentAsync(cancellationToken)).Value.Content.ToArray();
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    public async Task<bool> ExistsAsync(string faceId, CancellationToken cancellationToken = default) => (await Blob(faceId).ExistsAsync(cancellationToken)).Value;

    public Task DeleteAsync(string faceId, CancellationToken cancellationToken = default) => Blob(faceId).DeleteIfExistsAsync(cancellationToken: cancellationToken);

    private BlobClient Blob(string faceId) => container.GetBlobClient(FileFaceImageStore.CheckedId(faceId));
}
