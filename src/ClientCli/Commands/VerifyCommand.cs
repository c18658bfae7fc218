using System.CommandLine;
using System.Text.Json.Nodes;
using FaceGrains.ClientCli.Gallery;
using FaceGrains.Grains.Interfaces;
using Spectre.Console;

namespace FaceGrains.ClientCli.Commands;

/// <summary><c>facegrains verify &lt;a&gt; &lt;b&gt;</c>: is it the same person? b is a second image, or an identity id when no such file exists.</summary>
public static class VerifyCommand
{
    public static Command Create()
    {
        var a = new Argument<string>("a") { Description = "Probe image file." };
        var b = new Argument<string>("b") { Description = "Second image file, or an enrolled identity id." };
        var targetFmr = new Option<double?>("--target-fmr") { Description = "Operating point: target pair false-match rate (default: the gallery's)." };
        var command = new Command("verify", "1:1 verification of an image against another image or an enrolled identity.") { a, b, targetFmr, IdentifyCommand.Threshold };
        command.SetAction(async (parse, _) =>
        {
            var output = new CommandOutput(parse.GetValue(CliOptions.Json));
            var probe = ImageFiles.Read(parse.GetValue(a)!);
            var other = parse.GetValue(b)!;
            var fmr = parse.GetValue(targetFmr);
            var raw = parse.GetValue(IdentifyCommand.Threshold);
            var threshold = fmr is null && raw is null ? null : new ThresholdRequest(fmr, raw);
            var request = File.Exists(other)
                ? new VerifyRequest(probe, Other: ImageFiles.Read(other), Threshold: threshold)
                : new VerifyRequest(probe, IdentityId: IdentityArgument.Normalize(other, $"'{other}' is no file, so it must be an identity id"), Threshold: threshold);
            await using var gallery = await GalleryConnection.OpenAsync(parse);
            var answer = await gallery.Grains.GetGrain<IMatcherGrain>(0).VerifyAsync(request);
            var problem = answer.IdentityFound == false ? $"no identity '{other}' in the gallery (and no such file)"
                : answer.ProbeRejection?.Message ?? answer.OtherRejection?.Message;
            output.Result(
                new JsonObject
                {
                    ["match"] = answer.Match,
                    ["score"] = answer.Score,
                    ["threshold"] = answer.Threshold.Threshold,
                    ["threshold_reason"] = answer.Threshold.Reason,
                    ["against"] = request.IdentityId is null ? "image" : "identity",
                    ["error"] = problem,
                    ["model_version"] = answer.ModelVersion,
                },
                console =>
                {
                    if (problem is not null)
                    {
                        console.MarkupLine($"[red]{Markup.Escape(problem)}[/]");
                        return;
                    }

                    console.MarkupLine(answer.Match == true ? "[green]match[/]" : "[yellow]no match[/]");
                    console.MarkupLine($"score {AnswerFormat.Score(answer.Score)}, threshold {answer.Threshold.Threshold:F4} ({Markup.Escape(answer.Threshold.Reason)})");
                });
            return problem is null ? 0 : CliErrors.UserError;
        });
        return command;
    }
}
