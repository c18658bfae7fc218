using System.Net;
using System.Net.Sockets;
using FaceGrains.Grains;
using FaceGrains.Recognition;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FaceGrains.ClientCli.Gallery;

/// <summary>
/// A throwaway embedded silo inside the CLI process for <c>facegrains demo</c>: localhost clustering on free ports,
/// grain state in memory, face images in a temporary folder, the model store of the user's data directory.
/// </summary>
public sealed class DemoSilo : IAsyncDisposable
{
    private readonly IHost host;
    private readonly string scratch;

    private DemoSilo(IHost host, string scratch, int gatewayPort)
    {
        this.host = host;
        this.scratch = scratch;
        GatewayPort = gatewayPort;
    }

    /// <summary>Cluster and service id of the demo silo (for a client: --cluster-id).</summary>
    public const string ClusterId = "facegrains-demo";

    /// <summary>The loopback gateway port clients can connect to.</summary>
    public int GatewayPort { get; }

    public IGrainFactory Grains => host.Services.GetRequiredService<IGrainFactory>();

    public static async Task<DemoSilo> StartAsync(FaceGrainsHome home, string modelVersion, Action<string> log, CancellationToken cancellationToken, Action<Grains.GalleryOptions>? configure = null)
    {
        // A scratch home that shares the user's model store and detection nets (the caller has imported the model into it):
        // the demo's enrolled faces go away with the process, the models stay.
        var scratch = Path.Combine(Path.GetTempPath(), "facegrains-demo-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(scratch);
        Directory.CreateSymbolicLink(Path.Combine(scratch, "models"), home.ModelsDirectory);
        Directory.CreateDirectory(home.CacheDirectory);
        Directory.CreateSymbolicLink(Path.Combine(scratch, "cache"), home.CacheDirectory);
        Directory.CreateDirectory(Recognition.Detection.DetectionModelStore.In(home).Root);
        Directory.CreateSymbolicLink(Recognition.Detection.DetectionModelStore.In(new FaceGrainsHome(scratch)).Root, Recognition.Detection.DetectionModelStore.In(home).Root);

        var gatewayPort = FreePort();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddFilter(level => level >= LogLevel.Error);
        builder.UseOrleans(silo => silo
            .UseLocalhostClustering(FreePort(), gatewayPort, serviceId: ClusterId, clusterId: ClusterId)
            .AddMemoryGrainStorage(GalleryStorage.ProviderName)
            .AddFaceGallery(gallery =>
            {
                gallery.Home = scratch;
                gallery.InitialModel = modelVersion;
                configure?.Invoke(gallery);
            }));
        var host = builder.Build();
        log("starting an in-process embedded silo");
        await host.StartAsync(cancellationToken);
        return new DemoSilo(host, scratch, gatewayPort);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await host.StopAsync(TimeSpan.FromSeconds(10));
        }
        finally
        {
            host.Dispose();
            try
            {
                Directory.Delete(scratch, recursive: true);
            }
            catch (IOException)
            {
                // A temporary folder: best effort.
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
