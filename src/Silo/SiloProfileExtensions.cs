using FaceGrains.Grains;
using System.Net;
using FaceGrains.Recognition;
using FaceGrains.Recognition.Models;
using FaceGrains.Recognition.Storage;
using FaceGrains.Silo.Storage;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;
using StackExchange.Redis;

namespace FaceGrains.Silo;

public static class SiloProfileExtensions
{
    /// <summary>File of the embedded profile's grain state, under the data directory.</summary>
    public static string GrainStatePath(FaceGrainsHome home) => Path.Combine(home.Root, "grains.db");

    /// <summary>Clustering and grain storage for the chosen profile.</summary>
    public static ISiloBuilder UseProfile(this ISiloBuilder silo, SiloOptions options, FaceGrainsHome home, AzureStorageAccount? account) => options.Profile switch
    {
        SiloProfile.Embedded => silo.UseEmbeddedProfile(options, home),
        SiloProfile.Cluster => silo.UseClusterProfile(options),
        SiloProfile.Azure => silo.UseAzureProfile(options, account ?? throw new ArgumentNullException(nameof(account), "The azure profile needs its storage account.")),
        _ => throw new ArgumentOutOfRangeException(nameof(options), options.Profile, "Unknown profile."),
    };

    /// <summary>One localhost silo, grain state in <c>&lt;home&gt;/grains.db</c>.</summary>
    public static ISiloBuilder UseEmbeddedProfile(this ISiloBuilder silo, SiloOptions options, FaceGrainsHome home) =>
        silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId)
            .AddEmbeddedStorage(GrainStatePath(home));

    /// <summary>Membership and grain state in Redis; face images and model versions in the shared data directory.</summary>
    public static ISiloBuilder UseClusterProfile(this ISiloBuilder silo, SiloOptions options)
    {
        silo.UseClusterEndpoints(options);
        silo.UseRedisClustering(options.Redis);
        silo.AddRedisGrainStorage(GalleryStorage.ProviderName, storage => storage.Configure<Serializer>((o, serializer) =>
        {
            o.ConfigurationOptions = ConfigurationOptions.Parse(options.Redis);
            o.DeleteStateOnClear = true;

            // The same binary format as the embedded store: compact float arrays, member ids instead of names.
            o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
        }));
        return silo;
    }

    /// <summary>
    /// Membership and grain state in Azure Table storage; face images (<see cref="BlobFaceImageStore"/>) and model
    /// versions (<see cref="BlobModelMirror"/>, the local model store a cache of it) in Blob storage. The account is
    /// checked before the silo joins (<see cref="AzureStorageCheck"/>).
    /// </summary>
    public static ISiloBuilder UseAzureProfile(this ISiloBuilder silo, SiloOptions options, AzureStorageAccount account)
    {
        silo.UseClusterEndpoints(options);
        silo.UseAzureStorageClustering(o => o.TableServiceClient = account.Tables);
        silo.AddAzureTableGrainStorage(GalleryStorage.ProviderName, storage => storage.Configure<Serializer>((o, serializer) =>
        {
            o.TableServiceClient = account.Tables;
            o.DeleteStateOnClear = true;
            o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
        }));
        silo.Services.AddSingleton<IFaceImageStore>(new BlobFaceImageStore(account));
        return silo;
    }

    /// <summary>Cluster id, service id and endpoints: loopback only, unless FaceGrains:AdvertisedAddress names this machine's address.</summary>
    private static void UseClusterEndpoints(this ISiloBuilder silo, SiloOptions options)
    {
        silo.Configure<ClusterOptions>(c =>
        {
            c.ClusterId = options.ClusterId;
            c.ServiceId = options.ServiceId;
        });
        var advertised = options.AdvertisedAddress.Length > 0 ? IPAddress.Parse(options.AdvertisedAddress) : IPAddress.Loopback;
        silo.ConfigureEndpoints(advertised, options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: options.AdvertisedAddress.Length > 0);
    }
}
