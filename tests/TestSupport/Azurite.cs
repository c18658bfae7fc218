using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using FaceGrains.Recognition.Storage;

namespace FaceGrains.TestSupport;

/// <summary>
/// A private Azurite (Microsoft's Azure Storage emulator, npm <c>azurite</c>) for one test: its own free ports on
/// 127.0.0.1 and its own data folder, stopped and deleted on dispose. The executable is FACEGRAINS_TEST_AZURITE
/// (<c>scripts/azurite.sh install</c> prints it; <c>.ci/run</c> sets it), else <c>azurite</c> on PATH.
/// </summary>
public sealed class Azurite : IAsyncDisposable
{
    /// <summary>The emulator's well-known development account (published in Azurite's documentation; not a secret).</summary>
    public const string AccountName = "devstoreaccount1";

    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly string folder;
    private readonly int queuePort;
    private Process process;

    private Azurite(Process process, string folder, int blobPort, int queuePort, int tablePort)
    {
        this.process = process;
        this.folder = folder;
        this.queuePort = queuePort;
        BlobPort = blobPort;
        TablePort = tablePort;
    }

    public int BlobPort { get; }

    public int TablePort { get; }

    public int ProcessId => process.Id;

    public string ConnectionString => ConnectionStringFor(BlobPort, TablePort, AccountKey);

    public static string ConnectionStringFor(int blobPort, int tablePort, string key) =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={key};BlobEndpoint=http://127.0.0.1:{blobPort}/{AccountName};TableEndpoint=http://127.0.0.1:{tablePort}/{AccountName};";

    public AzureStorageAccount Account(string serviceId) => AzureStorageAccount.Parse(ConnectionString, serviceId);

    /// <summary>The Azurite executable, or null.</summary>
    public static string? Executable { get; } = Find();

    /// <summary>Why Azurite tests cannot run here, or null when they can.</summary>
    public static string? Missing => Executable is null
        ? "needs Azurite (npm azurite 3.37.0): run scripts/azurite.sh install and set FACEGRAINS_TEST_AZURITE to the path it prints (.ci/run does), or put azurite on PATH"
        : null;

    public static async Task<Azurite> StartAsync()
    {
        var folder = Directory.CreateTempSubdirectory("facegrains-azurite-").FullName;
        int blob = Loopback.FreePort(), queue = Loopback.FreePort(), table = Loopback.FreePort();
        var azurite = new Azurite(Launch(folder, blob, queue, table), folder, blob, queue, table);
        await azurite.WaitListeningAsync();
        return azurite;
    }

    /// <summary>Stops the emulator as an operator would (SIGTERM, so it writes its data out), as a storage outage.</summary>
    public async Task StopAsync()
    {
        Signal("TERM");
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await process.WaitForExitAsync(patience.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>Starts the stopped emulator again on the same ports and data folder: storage is back.</summary>
    public async Task StartAgainAsync()
    {
        process.Dispose();
        process = Launch(folder, BlobPort, queuePort, TablePort);
        await WaitListeningAsync();
    }

    private static Process Launch(string folder, int blob, int queue, int table)
    {
        var exe = Executable ?? throw new InvalidOperationException(Missing);
        var start = new ProcessStartInfo(exe)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            "--silent", "--skipApiVersionCheck", "--loose", "--location", folder,
            "--blobHost", "127.0.0.1", "--blobPort", $"{blob}", "--queueHost", "127.0.0.1", "--queuePort", $"{queue}",
            "--tableHost", "127.0.0.1", "--tablePort", $"{table}",
        })
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {exe}");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private async Task WaitListeningAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!(Listening(BlobPort) && Listening(TablePort)))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                await DisposeAsync();
                throw new InvalidOperationException($"Azurite ({Executable}) did not start listening on 127.0.0.1:{BlobPort} and :{TablePort} within a minute");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Freezes the emulator (SIGSTOP): connections stay open and nothing answers, as a storage outage looks to a client.</summary>
    public void Pause() => Signal("STOP");

    /// <summary>Lets a paused emulator go on (SIGCONT).</summary>
    public void Resume() => Signal("CONT");

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!process.HasExited)
            {
                Resume();
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // already gone
        }

        process.Dispose();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // Temporary folder: best effort.
        }
    }

    private void Signal(string signal)
    {
        if (process.HasExited)
        {
            return;
        }

        using var kill = Process.Start("kill", [$"-{signal}", $"{process.Id}"]);
        kill.WaitForExit();
    }

    private static bool Listening(int port)
    {
        try
        {
            using var client = new TcpClient();
            return client.ConnectAsync(IPAddress.Loopback, port).Wait(TimeSpan.FromMilliseconds(200));
        }
        catch (AggregateException)
        {
            return false;
        }
    }

    private static string? Find()
    {
        if (Environment.GetEnvironmentVariable("FACEGRAINS_TEST_AZURITE") is { Length: > 0 } configured)
        {
            return File.Exists(configured) ? configured : null;
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(dir => Path.Combine(dir, "azurite")).FirstOrDefault(File.Exists);
    }
}
