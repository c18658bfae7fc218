using System.CommandLine;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace FaceGrains.ClientCli.Gallery;

/// <summary>An Orleans client connected to the gallery's silo gateways, for the length of one command.</summary>
public sealed class GalleryConnection : IAsyncDisposable
{
    public const string DefaultGateway = "127.0.0.1:30000";
    public const string GatewayEnvironmentVariable = "FACEGRAINS_GATEWAY";
    public const string DefaultClusterId = "facegrains";

    public static readonly Option<string?> Gateway = new("--gateway")
    {
        Description = $"Silo gateway(s) as host:port, comma-separated. Default: ${GatewayEnvironmentVariable}, else {DefaultGateway} (the embedded silo).",
        Recursive = true,
    };

    public static readonly Option<string> ClusterId = new("--cluster-id")
    {
        Description = "Orleans cluster id and service id of the silos (FaceGrains:ClusterId / ServiceId).",
        DefaultValueFactory = _ => DefaultClusterId,
        Recursive = true,
    };

    private readonly IHost host;

    private GalleryConnection(IHost host) => this.host = host;

    public IClusterClient Client => host.Services.GetRequiredService<IClusterClient>();

    public IGrainFactory Grains => Client;

    public static async Task<GalleryConnection> OpenAsync(ParseResult parse)
    {
        var spec = parse.GetValue(Gateway) ?? Environment.GetEnvironmentVariable(GatewayEnvironmentVariable) ?? DefaultGateway;
        var endpoints = ParseGateways(spec);
        var clusterId = parse.GetValue(ClusterId) ?? DefaultClusterId;
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddFilter(level => level >= LogLevel.Error);
        builder.UseOrleansClient(client => client
            .UseStaticClustering(endpoints)
            .Configure<ClusterOptions>(c =>
            {
                c.ClusterId = clusterId;
                c.ServiceId = clusterId;
            })
            .Configure<GatewayOptions>(g => g.GatewayListRefreshPeriod = TimeSpan.FromSeconds(5))
            .UseConnectionRetryFilter(new GiveUpAfter(TimeSpan.FromSeconds(10))));
        var host = builder.Build();
        try
        {
            await host.StartAsync();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            host.Dispose();
            throw new GatewayUnavailableException(
                $"no FaceGrains silo answered at {spec} ({e.GetBaseException().Message}). Start one with 'dotnet run --project src/Silo', or point --gateway / ${GatewayEnvironmentVariable} at a running silo.", e);
        }

        return new GalleryConnection(host);
    }

    public static IPEndPoint[] ParseGateways(string spec)
    {
        var endpoints = new List<IPEndPoint>();
        foreach (var part in spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = part.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(part.AsSpan(colon + 1), out var port) || port is < 1 or > 65535)
            {
                throw new FormatException($"--gateway '{part}' is not host:port.");
            }

            var hostName = part[..colon];
            var address = IPAddress.TryParse(hostName, out var ip) ? ip
                : hostName == "localhost" ? IPAddress.Loopback
                : Dns.GetHostAddresses(hostName).FirstOrDefault() ?? throw new FormatException($"--gateway host '{hostName}' does not resolve.");
            endpoints.Add(new IPEndPoint(address, port));
        }

        return endpoints.Count > 0 ? [.. endpoints] : throw new FormatException("--gateway is empty.");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await host.StopAsync(TimeSpan.FromSeconds(5));
        }
        finally
        {
            host.Dispose();
        }
    }

    /// <summary>Retries the first connection for a while (a silo may still be starting), then gives up.</summary>
    private sealed class GiveUpAfter(TimeSpan patience) : IClientConnectionRetryFilter
    {
        private readonly DateTime deadline = DateTime.UtcNow + patience;

        public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
        {
            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }

            await Task.Delay(500, cancellationToken);
            return true;
        }
    }
}
