using FaceGrains.Silo;
using FaceGrains.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace FaceGrains.Web.Tests;

/// <summary>
/// One test's silo and browser: <see cref="SiloApp.Create"/> on a fresh data directory (sharing the test model store,
/// as tests/Silo.Tests' TestSilo does) on loopback ports, and a headless chromium page opened at its root.
/// </summary>
public sealed class PageSession : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly IPlaywright playwright;
    private readonly IBrowser browser;
    private readonly ITestOutputHelper output;

    private PageSession(WebApplication app, string home, HttpClient http, IPlaywright playwright, IBrowser browser, IPage page, ITestOutputHelper output)
    {
        this.app = app;
        Home = home;
        Http = http;
        this.playwright = playwright;
        this.browser = browser;
        Page = page;
        this.output = output;
    }

    public string Home { get; }

    /// <summary>The REST API of the same silo, to compare the page with.</summary>
    public HttpClient Http { get; }

    public IPage Page { get; }

    /// <summary>The silo's services (its grain factory, to set up state the test does not drive through the page).</summary>
    public IServiceProvider Services => app.Services;

    public static Task<PageSession> StartAsync(ITestOutputHelper output, int width = 1100, int height = 900) =>
        StartAsync(output, width, height, []);

    /// <summary>A session whose silo has the extra <paramref name="settings"/> (e.g. API keys).</summary>
    public static async Task<PageSession> StartAsync(ITestOutputHelper output, int width, int height, params string[] settings)
    {
        var home = NewHome();
        var app = SiloApp.Create(
        [
            $"--FaceGrains:Home={home}",
            $"--FaceGrains:SiloPort={Loopback.FreePort()}",
            $"--FaceGrains:GatewayPort={Loopback.FreePort()}",
            "--FaceGrains:Dashboard=false",
            "--Urls=http://127.0.0.1:0",
            "--Logging:LogLevel:Default=Warning",
            .. settings,
        ]);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromMinutes(2) };
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium.ExecutablePath, Headless = true });
        var page = await browser.NewPageAsync(new() { BaseURL = address, ViewportSize = new() { Width = width, Height = height } });
        page.SetDefaultTimeout(60_000);
        page.Console += (_, message) => { if (message.Type == "error") output.WriteLine($"browser console: {message.Text}"); };
        await page.GotoAsync("/");
        return new PageSession(app, home, http, playwright, browser, page, output);
    }

    /// <summary>Saves a full-page screenshot in the test output folder and prints its path.</summary>
    public async Task<string> ScreenshotAsync(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "screenshots", name + ".png");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await Page.ScreenshotAsync(new() { Path = path, FullPage = true });
        output.WriteLine($"screenshot: {path}");
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        await browser.DisposeAsync();
        playwright.Dispose();
        Http.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Home, recursive: true);
        }
        catch (IOException)
        {
            // Temporary folder: best effort.
        }
    }

    /// <summary>A fresh data directory whose models/, detection/ and cache/ are the shared test ones (imported once per machine).</summary>
    private static string NewHome()
    {
        _ = TestModels.FaceApi;
        var home = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "facegrains-web-test-" + Guid.NewGuid().ToString("N"))).FullName;
        foreach (var shared in new[] { "models", "detection", "cache" })
        {
            Directory.CreateDirectory(Path.Combine(TestModels.Home.Root, shared));
            Directory.CreateSymbolicLink(Path.Combine(home, shared), Path.Combine(TestModels.Home.Root, shared));
        }

        return home;
    }
}
