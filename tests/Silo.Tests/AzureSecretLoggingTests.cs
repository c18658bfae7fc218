using System.Diagnostics;
using System.Text;
using FaceGrains.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace FaceGrains.Silo.Tests;

/// <summary>
/// The built silo in the azure profile, started as a process with the connection string in its environment and
/// logging at Debug: everything it writes while starting and serving stays free of the account key.
/// </summary>
[Collection(SiloCollection.Name)]
public sealed class AzureSecretLoggingTests(ITestOutputHelper output)
{
    [RequiresAzuriteFact("lfw")]
    public async Task A_silo_never_writes_its_storage_account_key()
    {
        await using var azurite = await Azurite.StartAsync();
        var home = TestSilo.NewHome(sharedModels: false, withDefaultModel: true);
        var http = Loopback.FreePort();
        var start = SiloProcess.StartInfo(
            "--FaceGrains:Profile=azure", $"--FaceGrains:Home={home}", $"--Urls=http://127.0.0.1:{http}",
            "--Logging:LogLevel:Default=Debug", "--Logging:LogLevel:Microsoft.AspNetCore=Debug", "--Logging:LogLevel:Orleans=Debug");
        start.Environment["FaceGrains__AzureStorage"] = azurite.ConnectionString;
        var log = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        try
        {
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{http}"), Timeout = TimeSpan.FromSeconds(60) };
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
            while (!(await Healthy(client)))
            {
                Assert.False(process.HasExited, $"the silo exited: {Text(log)}");
                Assert.True(DateTime.UtcNow < deadline, "the silo did not start within 2 minutes");
                await Task.Delay(250);
            }

            // Serve a little: an enrolment writes state, a face blob and reads the model container.
            var person = Directory.GetFiles(SharedData.PathOf("lfw", "Colin_Powell")).Order(StringComparer.Ordinal).First();
            using var enrolled = await client.PostAsync("/identities/colin/faces", Api.Multipart.Files(("f", "a.jpg", File.ReadAllBytes(person))));
            Assert.True(enrolled.IsSuccessStatusCode, await enrolled.Content.ReadAsStringAsync());
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync();
            TestSilo.DeleteHome(home);
        }

        var text = Text(log);
        output.WriteLine($"{text.Length:N0} characters of log");
        Assert.Contains("Azure Storage at http://127.0.0.1:", text, StringComparison.Ordinal);
        Assert.DoesNotContain(Azurite.AccountKey, text, StringComparison.Ordinal);
        Assert.DoesNotContain(Azurite.AccountKey[..16], text, StringComparison.Ordinal);
    }

    private static async Task<bool> Healthy(HttpClient client)
    {
        try
        {
            return (await client.GetAsync("/health")).IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static string Text(StringBuilder log)
    {
        lock (log)
        {
            return log.ToString();
        }
    }
}
