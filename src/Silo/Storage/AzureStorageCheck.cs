using FaceGrains.Grains;
using FaceGrains.Recognition.Models;
using FaceGrains.Recognition.Storage;

namespace FaceGrains.Silo.Storage;

/// <summary>
/// The <c>azure</c> profile's first start-up step: reach the storage account, create the gallery's containers, and
/// stop the start with one line (<see cref="SiloStartupException"/>) when the account cannot be reached or refuses
/// the key. The line names the endpoint, never the connection string.
/// </summary>
public sealed class AzureStorageCheck(AzureStorageAccount account, ILogger<AzureStorageCheck> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await account.CheckAsync([BlobFaceImageStore.ContainerKind, BlobModelMirror.ContainerKind], cancellationToken);
        }
        catch (AzureStorageUnavailableException e)
        {
            throw new SiloStartupException(e.Message, e);
        }

        logger.LogInformation("Azure Storage at {Endpoint}: faces in {Faces}, model versions in {Models}", account.Endpoint,
            AzureStorageAccount.ContainerName(account.ServiceId, BlobFaceImageStore.ContainerKind), AzureStorageAccount.ContainerName(account.ServiceId, BlobModelMirror.ContainerKind));
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
