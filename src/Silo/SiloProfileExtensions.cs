using FaceGrains.Grains;
using System.Net;
using FaceGrains.Recognition;
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
    public static ISiloBuilder UseProfile(this ISiloBuilder silo, SiloOptions options, FaceGrainsHome home) => options.Profile switch
    {
        SiloProfile.Embedded => silo.UseEmbeddedProfile(options, home),
        SiloProfile.Cluster => silo.UseClusterProfile(options),
        _ => throw new ArgumentOutOfRangeException(nameof(options), options.Profile, "Unknown profile."),
    };

    /// <summary>One localhost silo, grain state in <c>&lt;home&gt;/grains.db</c>.</summary>
    public static ISiloBuilder UseEmbeddedProfile(this ISiloBuilder silo, SiloOptions options, FaceGrainsHome home) =>
        silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId)
            .AddEmbeddedStorage(GrainStatePath(home));

    /// <summary>Membership and grain state in Redis; silos listen on loopback with their own ports.</summary>
    public static ISiloBuilder UseClusterProfile(this ISiloBuilder silo, SiloOptions options)
    {
        silo.Configure<ClusterOptions>(c =>
        {
            c.ClusterId = options.ClusterId;
            c.ServiceId = options.ServiceId;
        });
        silo.ConfigureEndpoints(IPAddress.Loopback, options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: false);
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
}
