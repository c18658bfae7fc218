using System.Diagnostics;
using FaceGrains.TestSupport;

namespace FaceGrains.Silo.Tests;

/// <summary>The built silo as its own process (<c>dotnet facegrains-silo.dll</c>, as <c>dotnet run --project src/Silo</c> starts it).</summary>
internal static class SiloProcess
{
    /// <summary>
    /// Start info for the silo with free silo and gateway ports, no dashboard, output redirected, and
    /// <paramref name="settings"/> after those (a later setting wins, so a test may give its own ports or Urls).
    /// </summary>
    public static ProcessStartInfo StartInfo(params string[] settings)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory, // beside its appsettings.json, as in src/Silo
        };
        string[] args =
        [
            Path.Combine(AppContext.BaseDirectory, "facegrains-silo.dll"),
            $"--FaceGrains:SiloPort={Loopback.FreePort()}",
            $"--FaceGrains:GatewayPort={Loopback.FreePort()}",
            "--FaceGrains:Dashboard=false",
            "--Urls=http://127.0.0.1:0",
            .. settings,
        ];
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return start;
    }

    /// <summary>The dotnet host running these tests, by full path, so that a PATH without npm (or anything) still runs it.</summary>
    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host
        : Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath!
        : throw new InvalidOperationException("cannot tell which dotnet runs the tests (no DOTNET_HOST_PATH)");
}
