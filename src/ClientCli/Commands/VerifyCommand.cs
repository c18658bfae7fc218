using System.CommandLine;
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
        var command = new Command("verify", "1:1 verification of the largest face of an image against the largest face of another image, or against an enrolled identity.")
        {
            a, b, targetFmr, IdentifyCommand.Threshold, CliOptions.Aligned,
        };
        command.SetAction(async (parse, _) =>
        {
            var output = new CommandOutput(parse.GetValue(CliOptions.Json));
            var probe = ImageFiles.Read(parse.GetValue(a)!);
            var other = parse.GetValue(b)!;
            var fmr = parse.GetValue(targetFmr);
            var raw = parse.GetValue(IdentifyCommand.Threshold);
            if (fmr is not null && raw is not null)
            {
                throw new ArgumentOutOfRangeException(nameof(targetFmr), "give --target-fmr or --threshold, not both.");
            }

            var threshold = fmr is null && raw is null ? null : new ThresholdRequest(Threshold: raw, TargetFmr: fmr);
            var aligned = parse.GetValue(CliOptions.Aligned);
            var request = File.Exists(other)
                ? new VerifyRequest(probe, Other: ImageFiles.Read(other), Threshold: threshold, Aligned: aligned)
                : new VerifyRequest(probe, IdentityId: IdentityArgument.Normalize(other, $"'{other}' is no file, so it must be an identity id"), Threshold: threshold, Aligned: aligned);
            await using var gallery = await GalleryConnection.OpenAsync(parse);
            var answer = await gallery.Grains.GetGrain<IMatcherGrain>(0).VerifyAsync(request);
            var problem = answer.IdentityFound == false ? $"no identity '{other}' in the gallery (and no such file)"
                : answer.ProbeRejection?.Message ?? answer.OtherRejection?.Message;
            var payload = GalleryJson.ToNode(answer)!.AsObject();
            payload["against"] = request.IdentityId is null ? "image" : "identity";
            payload["error"] = problem;
            output.Result(
                payload,
                console =>
                {
                    if (problem is not null)
                    {
                        console.MarkupLine($"[red]{Markup.Escape(problem)}[/]");
                        return;
                    }

                    console.MarkupLine(answer.Match == true ? "[green]match[/]" : "[yellow]no match[/]");
                    console.MarkupLine(Markup.Escape($"compared: the largest face of {Path.GetFileName(parse.GetValue(a))} ({AnswerFormat.Box(answer.ProbeFace)}{(answer.ProbeOtherFaces > 0 ? $"; {answer.ProbeOtherFaces} other face(s) not compared" : "")})"
                        + (answer.OtherFace is null ? $" with identity {other}" : $" with the largest face of {Path.GetFileName(other)} ({AnswerFormat.Box(answer.OtherFace)})")));
                    console.MarkupLine($"score {AnswerFormat.Score(answer.Score)}, threshold {answer.Threshold.Threshold:F4} ({Markup.Escape(answer.Threshold.Reason)})");
                });
            return problem is null ? 0 : CliErrors.UserError;
        });
        return command;
    }
}
