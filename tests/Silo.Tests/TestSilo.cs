using System.Net;
using System.Net.Sockets;
using FaceGrains.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace FaceGrains.Silo.Tests;

/// <summary>
/// A real silo process-in-a-test: <see cref="SiloApp.Create"/> with its own data directory (sharing the test model
/// store), free ports and the given extra settings, listening on a loopback HTTP port.
/// </summary>
public sealed class TestSilo : IAsyncDisposable
{
    private readonly WebApplication app;

    private TestSilo(WebApplication app, string home, HttpClient http)
    {
        this.app = app;
        Home = home;
        Http = http;
    }

    public string Home { get; }

    public HttpClient Http { get; }

    public IServiceProvider Services => app.Services;

    /// <summary>
    /// A fresh data directory whose models/, detection/ and cache/ are the shared test ones (imported once per machine).
    /// Without <paramref name="sharedModels"/>, models/ is a folder of its own holding nothing, or a copy of the
    /// face-api version when <paramref name="withDefaultModel"/>: a silo of the azure profile, whose model store is a
    /// cache of the cluster's blob container.
    /// </summary>
    public static string NewHome(bool sharedModels = true, bool withDefaultModel = false)
    {
        _ = TestModels.FaceApi;
        var home = Path.Combine(Path.GetTempPath(), "facegrains-silo-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(home);
        if (!sharedModels)
        {
            var models = Directory.CreateDirectory(Path.Combine(home, "models")).FullName;
            if (withDefaultModel)
            {
                var source = Path.GetDirectoryName(TestModels.FaceApi.OnnxPath)!;
                var target = Directory.CreateDirectory(Path.Combine(models, Path.GetFileName(source))).FullName;
                foreach (var file in Directory.GetFiles(source))
                {
                    File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
                }
            }
        }

        foreach (var shared in (sharedModels ? new[] { "models", "detection", "cache" } : ["detection", "cache"]))
        {
            Directory.CreateDirectory(Path.Combine(TestModels.Home.Root, shared));
            Directory.CreateSymbolicLink(Path.Combine(home, shared), Path.Combine(TestModels.Home.Root, shared));
        }

        return home;
    }

    public static async Task<TestSilo> StartAsync(string home, params string[] settings)
    {
        string[] args =
        [
            $"--FaceGrains:Home={home}",
            $"--FaceGrains:SiloPort={Loopback.FreePort()}",
            $"--FaceGrains:GatewayPort={Loopback.FreePort()}",
            "--FaceGrains:Dashboard=false",
            "--Urls=http://127.0.0.1:0",
            "--Logging:LogLevel:Default=Warning",
            .. settings,
        ];
        var app = SiloApp.Create(args);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TestSilo(app, home, new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromMinutes(2) });
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    public static void DeleteHome(string home)
    {
        try
        {
            Directory.Delete(home, recursive: true);
        }
        catch (IOException)
        {
            // Temporary folder: best effort.
        }
    }
}
