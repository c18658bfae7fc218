using System.Text.Json.Nodes;
using FaceGrains.ClientCli.Gallery;
using FaceGrains.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace FaceGrains.ClientCli.Tests;

/// <summary>The gallery commands against an in-process silo (the demo's): bad input answered with exit code 2 and a clear line, state unchanged.</summary>
public sealed class GalleryCliTests(ITestOutputHelper output) : IDisposable
{
    private readonly string temp = Directory.CreateTempSubdirectory("facegrains-gallery-cli-").FullName;

    public void Dispose() => Directory.Delete(temp, recursive: true);

    [Fact]
    public void A_bad_gateway_is_a_user_error()
    {
        var (code, _, stderr) = Run("gallery", "list", "--gateway", "nonsense");
        Assert.Equal(CliErrors.UserError, code);
        Assert.Contains("host:port", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_probe_file_is_a_user_error_before_connecting()
    {
        var (code, stdout, _) = Run("identify", Path.Combine(temp, "nope.jpg"), "--json");
        Assert.Equal(CliErrors.UserError, code);
        Assert.Contains("nope.jpg", JsonNode.Parse(stdout)!["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [RequiresModelFact("lfw")]
    public async Task Enroll_identify_show_forget_and_bad_input_through_a_silo()
    {
        _ = TestModels.FaceApi;
        await using var silo = await DemoSilo.StartAsync(TestModels.Home, "lfw", _ => { }, CancellationToken.None);
        string[] at = ["--gateway", $"127.0.0.1:{silo.GatewayPort}", "--cluster-id", DemoSilo.ClusterId, "--json"];
        var images = Directory.GetFiles(SharedData.PathOf("lfw", "Colin_Powell")).Order(StringComparer.Ordinal).ToArray();
        var corrupt = Path.Combine(temp, "corrupt.jpg");
        File.WriteAllBytes(corrupt, [0xFF, 0xD8, 0xFF, 1, 2, 3]);
        var empty = Path.Combine(temp, "empty.jpg");
        File.WriteAllBytes(empty, []);

        // Nothing usable: exit 2, per-image reasons, no identity created.
        var (code, stdout, _) = Run(["enroll", "ghost", corrupt, empty, .. at]);
        Assert.Equal(CliErrors.UserError, code);
        Assert.Equal(2, JsonNode.Parse(stdout)!["rejected"]!.GetValue<int>());
        Assert.Equal(CliErrors.UserError, Run(["gallery", "show", "ghost", .. at]).ExitCode);

        Assert.Equal(0, Run(["enroll", "powell", images[0], images[1], .. at]).ExitCode);
        (code, stdout, _) = Run(["enroll", "powell", images[0], .. at]);
        Assert.Equal(0, code);
        Assert.Equal("Duplicate", JsonNode.Parse(stdout)!["faces"]![0]!["status"]!.GetValue<string>());

        (code, stdout, _) = Run(["identify", images[2], corrupt, "--threshold", "0.9", .. at]);
        Assert.Equal(0, code);
        var answers = JsonNode.Parse(stdout)!["answers"]!.AsArray();
        Assert.Equal("powell", answers[0]!["answer"]!.GetValue<string>());
        Assert.Equal("rejected", answers[1]!["answer"]!.GetValue<string>());

        (code, stdout, _) = Run(["gallery", "show", "powell", .. at]);
        Assert.Equal(0, code);
        Assert.Equal(2, JsonNode.Parse(stdout)!["faces"]!.AsArray().Count);

        Assert.Equal(CliErrors.UserError, Run(["verify", images[2], "nobody", .. at]).ExitCode);
        Assert.Equal(0, Run(["gallery", "forget", "powell", .. at]).ExitCode);
        Assert.Equal(CliErrors.UserError, Run(["gallery", "forget", "powell", .. at]).ExitCode);
    }

    private (int ExitCode, string Stdout, string Stderr) Run(params string[] args) => InProcessCli.Run(output, args);
}
