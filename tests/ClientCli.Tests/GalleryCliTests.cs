using System.Text.Json.Nodes;
using FaceGrains.ClientCli.Gallery;
using FaceGrains.Grains.Interfaces;
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
        await using var silo = await DemoSilo.StartAsync(TestModels.Home, TestModels.FaceApi.Id, _ => { }, CancellationToken.None);
        string[] at = ["--gateway", $"127.0.0.1:{silo.GatewayPort}", "--cluster-id", DemoSilo.ClusterId, "--json"];
        var images = Directory.GetFiles(SharedData.PathOf("lfw", "Colin_Powell")).Order(StringComparer.Ordinal).ToArray();
        var corrupt = Path.Combine(temp, "corrupt.jpg");
        File.WriteAllBytes(corrupt, [0xFF, 0xD8, 0xFF, 1, 2, 3]);
        var empty = Path.Combine(temp, "empty.jpg");
        File.WriteAllBytes(empty, []);

        // Nothing usable: exit 2, per-image reasons, no identity created.
        var (code, stdout, _) = Run(["enroll", "ghost", corrupt, empty, .. at]);
        Assert.Equal(CliErrors.UserError, code);
        Assert.Equal(2, JsonNode.Parse(stdout)!["rejected_count"]!.GetValue<int>());
        Assert.Equal(CliErrors.UserError, Run(["gallery", "show", "ghost", .. at]).ExitCode);

        Assert.Equal(0, Run(["enroll", "powell", images[0], images[1], .. at]).ExitCode);
        (code, stdout, _) = Run(["enroll", "powell", images[0], .. at]);
        Assert.Equal(0, code);
        Assert.Equal("duplicate", JsonNode.Parse(stdout)!["faces"]![0]!["status"]!.GetValue<string>());

        (code, stdout, _) = Run(["identify", images[2], corrupt, "--threshold", "0.9", .. at]);
        Assert.Equal(0, code);
        var answers = JsonNode.Parse(stdout)!["answers"]!.AsArray();
        Assert.Equal("powell", answers[0]!["faces"]![0]!["label"]!.GetValue<string>());
        Assert.Equal("truncated", answers[1]!["rejection"]!["status"]!.GetValue<string>());

        (code, stdout, _) = Run(["gallery", "show", "powell", .. at]);
        Assert.Equal(0, code);
        Assert.Equal(2, JsonNode.Parse(stdout)!["faces"]!.AsArray().Count);

        // One JSON spelling: the command line writes the contracts as the REST API does (GalleryJson).
        var view = await silo.Grains.GetGrain<IIdentityGrain>("powell").GetAsync();
        Assert.True(JsonNode.DeepEquals(GalleryJson.ToNode(view), JsonNode.Parse(stdout)), stdout);
        Assert.NotNull(JsonNode.Parse(stdout)!["faces"]![0]!["file_name"]);

        // The gallery benchmark's random vectors would join this gallery's own calibration: refused, nothing enrolled.
        (code, stdout, _) = Run(["bench", "gallery", "--identities", "5", "--probes", "5", "--enrolled-checks", "0", .. at]);
        Assert.Equal(CliErrors.UserError, code);
        Assert.Contains("'powell'", JsonNode.Parse(stdout)!["error"]!.GetValue<string>(), StringComparison.Ordinal);

        (code, stdout, _) = Run(["gallery", "list", .. at]);
        Assert.Equal(0, code);
        Assert.Single(JsonNode.Parse(stdout)!["identities"]!.AsArray());
        var listed = JsonNode.Parse(stdout)!["identities"]!.AsArray().Single(i => i!["id"]!.GetValue<string>() == "powell")!;
        Assert.Equal(2, listed["face_count"]!.GetValue<int>());
        Assert.Null(listed["faces"]);

        Assert.Equal(CliErrors.UserError, Run(["verify", images[2], "nobody", .. at]).ExitCode);
        Assert.Equal(0, Run(["gallery", "forget", "powell", .. at]).ExitCode);
        Assert.Equal(CliErrors.UserError, Run(["gallery", "forget", "powell", .. at]).ExitCode);
    }

    [Fact]
    public void Unusable_identity_ids_are_user_errors_before_connecting()
    {
        var probe = Path.Combine(temp, "probe.jpg");
        File.WriteAllBytes(probe, [0xFF, 0xD8, 0xFF, 1, 2, 3]);
        string[] nowhere = ["--gateway", "127.0.0.1:1"]; // nothing listens: only a check made before connecting can answer
        foreach (var (args, reason) in new (string[] Args, string Reason)[]
        {
            (["enroll", "in\u200Bvisible", probe], "format character (U+200B)"),
            (["gallery", "show", "bell\u0007"], "control character (U+0007)"),
            (["gallery", "forget", " padded"], "white space"),
            (["verify", probe, "in\u200Dvisible"], "must be an identity id: The identity id contains an invisible format character (U+200D)"),
            (["enroll", new string('a', 129), probe], "at most 128 characters"),
        })
        {
            var (code, _, stderr) = Run([.. args, .. nowhere]);
            Assert.Equal(CliErrors.UserError, code);
            Assert.Contains(reason, stderr, StringComparison.Ordinal);
        }
    }

    [RequiresModelFact("lfw")]
    public async Task Composed_and_decomposed_ids_and_folder_names_are_one_identity()
    {
        _ = TestModels.FaceApi;
        await using var silo = await DemoSilo.StartAsync(TestModels.Home, TestModels.FaceApi.Id, _ => { }, CancellationToken.None);
        string[] at = ["--gateway", $"127.0.0.1:{silo.GatewayPort}", "--cluster-id", DemoSilo.ClusterId, "--json"];
        var jose = Directory.GetFiles(SharedData.PathOf("lfw", "Jose_Maria_Aznar")).Order(StringComparer.Ordinal).ToArray();

        Assert.Equal(0, Run(["enroll", "Jos\u00E9", jose[0], .. at]).ExitCode);
        Assert.Equal(0, Run(["enroll", "Jose\u0301", jose[1], .. at]).ExitCode);
        var (code, stdout, _) = Run(["gallery", "show", "Jose\u0301", .. at]);
        Assert.Equal(0, code);
        Assert.Equal("Jos\u00E9", JsonNode.Parse(stdout)!["id"]!.GetValue<string>());
        Assert.Equal(2, JsonNode.Parse(stdout)!["faces"]!.AsArray().Count);
        Assert.Equal(0, Run(["verify", jose[2], "Jose\u0301", .. at]).ExitCode);

        // Folder names as a file system may hand them over: decomposed (macOS), or with an invisible character.
        var root = Directory.CreateDirectory(Path.Combine(temp, "people")).FullName;
        var zoe = Directory.CreateDirectory(Path.Combine(root, "Zoe\u0308")).FullName;
        var hidden = Directory.CreateDirectory(Path.Combine(root, "in\u200Bvisible")).FullName;
        var faces = Directory.GetFiles(SharedData.PathOf("lfw", "Gerhard_Schroeder")).Order(StringComparer.Ordinal).ToArray();
        File.CreateSymbolicLink(Path.Combine(zoe, "1.jpg"), faces[0]);
        File.CreateSymbolicLink(Path.Combine(zoe, "2.jpg"), faces[1]);
        File.CreateSymbolicLink(Path.Combine(hidden, "1.jpg"), faces[2]);
        (code, stdout, _) = Run(["enroll-folder", root, .. at]);
        Assert.Equal(1, code);
        var failed = Assert.Single(JsonNode.Parse(stdout)!["failed_identities"]!.AsArray());
        Assert.Contains("format character (U+200B)", failed!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        (code, stdout, _) = Run(["gallery", "show", "Zo\u00EB", .. at]);
        Assert.Equal(0, code);
        Assert.Equal(2, JsonNode.Parse(stdout)!["faces"]!.AsArray().Count);
        Assert.Equal(CliErrors.UserError, Run(["gallery", "show", "invisible", .. at]).ExitCode);
    }

    private (int ExitCode, string Stdout, string Stderr) Run(params string[] args) => InProcessCli.Run(output, args);
}
