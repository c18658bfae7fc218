using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using FaceGrains.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace FaceGrains.Silo.Tests;

/// <summary>
/// The built silo (<c>dotnet facegrains-silo.dll</c>, as <c>dotnet run --project src/Silo</c> starts it) failing to
/// start for reasons the operator fixes: one <c>error:</c> line on stderr and exit code 2, no stack trace there.
/// </summary>
[Collection(SiloCollection.Name)]
public sealed class StartupFailureTests(ITestOutputHelper output) : IDisposable
{
    private readonly string temp = Directory.CreateTempSubdirectory("facegrains-silo-start-").FullName;

    public void Dispose() => Directory.Delete(temp, recursive: true);

    [Theory]
    [InlineData(true)]
    [InlineData(false)] // then the grains import the model themselves as the silo starts, and fail alike
    public async Task Without_npm_on_PATH_a_fresh_silo_says_so_in_one_line_and_exits_2(bool importDefaultModel)
    {
        var home = Directory.CreateDirectory(Path.Combine(temp, "home")).FullName;
        var noNpm = Directory.CreateDirectory(Path.Combine(temp, "bin")).FullName;
        var (code, stderr) = await RunSilo(noNpm, $"--FaceGrains:Home={home}", $"--FaceGrains:ImportDefaultModel={importDefaultModel}");
        var line = OneErrorLine(code, stderr, "error: the default model is imported from npm (@vladmandic/face-api@1.7.15), but npm is not on PATH");
        Assert.Contains("apt-get install npm", line, StringComparison.Ordinal);
        Assert.EndsWith($"copy {Path.Combine(home, "models")}", line, StringComparison.Ordinal);
    }

    [Fact]
    [UnsupportedOSPlatform("windows")] // the stand-in npm is a shell script
    public async Task A_failing_npm_pack_is_one_line_and_exit_2()
    {
        var home = Directory.CreateDirectory(Path.Combine(temp, "home")).FullName;
        var bin = Directory.CreateDirectory(Path.Combine(temp, "bin")).FullName;
        var npm = Path.Combine(bin, "npm");
        File.WriteAllText(npm, "#!/bin/sh\necho 'npm ERR! code E404' >&2\necho 'npm ERR! 404 Not Found' >&2\nexit 1\n");
        File.SetUnixFileMode(npm, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        var (code, stderr) = await RunSilo(bin, $"--FaceGrains:Home={home}");
        var line = OneErrorLine(code, stderr, "error: the default model (@vladmandic/face-api@1.7.15) could not be imported: npm pack");
        Assert.Contains("npm ERR! code E404 npm ERR! 404 Not Found", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_settings_are_one_line_naming_every_problem_and_exit_2()
    {
        var (code, stderr) = await RunSilo(null, $"--FaceGrains:Home={temp}", "--FaceGrains:SiloPort=0", "--FaceGrains:MaxRequestLineBytes=10");
        var line = OneErrorLine(code, stderr, "error: bad settings: ");
        Assert.Contains("FaceGrains:SiloPort 0", line, StringComparison.Ordinal);
        Assert.Contains("FaceGrains:MaxRequestLineBytes 10", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_shard_precision_that_is_not_one_is_a_bad_setting()
    {
        var (code, stderr) = await RunSilo(null, $"--FaceGrains:Home={temp}", "--FaceGrains:Gallery:ShardPrecision=int4");
        Assert.True(code != 0, stderr);
        Assert.Contains("ShardPrecision 'int4' must be one of: float32, bf16, int8", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://0.0.0.0:0")]
    [InlineData("http://*:0")]
    [InlineData("http://127.0.0.1:0;http://[::]:0")]
    public async Task Listening_beyond_loopback_without_api_keys_is_one_line_and_exit_2(string urls)
    {
        var (code, stderr) = await RunSilo(null, $"--FaceGrains:Home={temp}", $"--Urls={urls}");
        var line = OneErrorLine(code, stderr, "error: the API listens on ");
        Assert.Contains("no API keys are configured", line, StringComparison.Ordinal);
        Assert.Contains("facegrains keys new", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_api_key_given_in_place_of_its_hash_is_a_bad_setting()
    {
        var (code, stderr) = await RunSilo(null, $"--FaceGrains:Home={temp}", "--FaceGrains:ApiKeys:ops:Role=admin", "--FaceGrains:ApiKeys:ops:Sha256=fgk_secret", "--FaceGrains:ApiKeys:app:Role=writer");
        var line = OneErrorLine(code, stderr, "error: bad settings: ");
        Assert.Contains("FaceGrains:ApiKeys:ops:Sha256 must be the key's SHA-256", line, StringComparison.Ordinal);
        Assert.Contains("FaceGrains:ApiKeys:app:Role 'writer' is not admin or reader", line, StringComparison.Ordinal);
        Assert.DoesNotContain("fgk_secret", line, StringComparison.Ordinal);
    }

    [RequiresModelTheory]
    [InlineData("SiloPort")]
    [InlineData("Urls")]
    public async Task A_port_in_use_is_one_line_and_exit_2(string taken)
    {
        using var occupant = new TcpListener(IPAddress.Loopback, 0);
        occupant.Start();
        var port = ((IPEndPoint)occupant.LocalEndpoint).Port;
        var home = TestSilo.NewHome();
        try
        {
            var (code, stderr) = await RunSilo(
                null,
                $"--FaceGrains:Home={home}",
                $"--FaceGrains:SiloPort={(taken == "SiloPort" ? port : Loopback.FreePort())}",
                $"--Urls=http://127.0.0.1:{(taken == "Urls" ? port : 0)}");
            var line = OneErrorLine(code, stderr, "error: ");
            Assert.Contains("already in use", line, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("another silo", line, StringComparison.Ordinal);
        }
        finally
        {
            TestSilo.DeleteHome(home);
        }
    }

    [RequiresModelFact]
    public async Task Started_from_another_folder_the_silo_still_reads_its_appsettings_and_listens_on_5080()
    {
        // 5080 (appsettings.json's Urls) held here, or by anything else: either way the silo must name it.
        TcpListener? occupant = null;
        try
        {
            occupant = new TcpListener(IPAddress.Loopback, 5080);
            occupant.Start();
        }
        catch (SocketException)
        {
            occupant = null;
        }

        var home = TestSilo.NewHome();
        try
        {
            var start = SiloProcess.StartInfo($"--FaceGrains:Home={home}");
            start.ArgumentList.Remove("--Urls=http://127.0.0.1:0");
            start.WorkingDirectory = temp; // a published silo started from anywhere (before: the content root was here, and it listened on 5000)
            var (code, stderr) = await RunSilo(start);
            var line = OneErrorLine(code, stderr, "error: ");
            Assert.Contains("5080", line, StringComparison.Ordinal);
            Assert.Contains("already in use", line, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            occupant?.Stop();
            TestSilo.DeleteHome(home);
        }
    }

    [Fact]
    public async Task An_azure_connection_string_that_is_not_one_is_one_line_that_does_not_repeat_it()
    {
        var (code, stderr) = await RunSilo(null, $"--FaceGrains:Home={temp}", "--FaceGrains:Profile=azure", "--FaceGrains:AzureStorage=AccountName=x;AccountKey=topsecretkey;Nonsense");
        var line = OneErrorLine(code, stderr, "error: bad settings: FaceGrains:AzureStorage is not an Azure Storage connection string");
        Assert.DoesNotContain("topsecretkey", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Azure_storage_that_does_not_answer_is_one_line_naming_the_endpoint_and_not_the_key()
    {
        var port = Loopback.FreePort();
        var (code, stderr) = await RunSilo(null, $"--FaceGrains:Home={temp}", "--FaceGrains:Profile=azure", $"--FaceGrains:AzureStorage={Azurite.ConnectionStringFor(port, port, Azurite.AccountKey)}");
        var line = OneErrorLine(code, stderr, $"error: no Azure Storage answered at http://127.0.0.1:{port}/devstoreaccount1");
        Assert.DoesNotContain(Azurite.AccountKey, stderr, StringComparison.Ordinal);
    }

    [RequiresAzuriteFact]
    public async Task A_table_endpoint_where_nothing_answers_is_the_one_named_when_the_blob_endpoint_answers()
    {
        await using var azurite = await Azurite.StartAsync();
        var port = Loopback.FreePort();
        var (code, stderr) = await RunSilo(null, $"--FaceGrains:Home={temp}", "--FaceGrains:Profile=azure", $"--FaceGrains:AzureStorage={Azurite.ConnectionStringFor(azurite.BlobPort, port, Azurite.AccountKey)}");
        OneErrorLine(code, stderr, $"error: no Azure Storage answered at http://127.0.0.1:{port}/devstoreaccount1");
        Assert.DoesNotContain(Azurite.AccountKey, stderr, StringComparison.Ordinal);
    }

    [RequiresAzuriteFact]
    public async Task A_wrong_azure_account_key_is_one_line_and_exit_2()
    {
        await using var azurite = await Azurite.StartAsync();
        var wrongKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(64));
        var (code, stderr) = await RunSilo(null, $"--FaceGrains:Home={temp}", "--FaceGrains:Profile=azure", $"--FaceGrains:AzureStorage={Azurite.ConnectionStringFor(azurite.BlobPort, azurite.TablePort, wrongKey)}");
        var line = OneErrorLine(code, stderr, $"error: Azure Storage at http://127.0.0.1:{azurite.BlobPort}/devstoreaccount1 refused the account key of FaceGrains:AzureStorage");
        Assert.DoesNotContain(wrongKey, stderr, StringComparison.Ordinal);
    }

    /// <summary>Runs the built silo with free ports and no dashboard; <paramref name="path"/> replaces PATH when given.</summary>
    private Task<(int ExitCode, string Stderr)> RunSilo(string? path, params string[] settings)
    {
        var start = SiloProcess.StartInfo(settings);
        if (path is not null)
        {
            start.Environment["PATH"] = path;
        }

        return RunSilo(start);
    }

    private async Task<(int ExitCode, string Stderr)> RunSilo(ProcessStartInfo start)
    {
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("the silo neither started nor failed within a minute");
        }

        output.WriteLine($"exit {process.ExitCode}\n--- stdout\n{await stdout}\n--- stderr\n{await stderr}");
        return (process.ExitCode, await stderr);
    }

    /// <summary>Exit code 2 and stderr of exactly one line starting with <paramref name="prefix"/>: that line.</summary>
    private static string OneErrorLine(int code, string stderr, string prefix)
    {
        Assert.Equal(SiloApp.StartupError, code);
        var line = Assert.Single(Lines(stderr));
        Assert.StartsWith(prefix, line, StringComparison.Ordinal);
        return line;
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
