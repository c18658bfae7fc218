using System.CommandLine;
using System.Text.Json.Nodes;
using FaceGrains.ClientCli.Gallery;
using FaceGrains.Grains.Interfaces;
using Spectre.Console;

namespace FaceGrains.ClientCli.Commands;

/// <summary><c>facegrains identify &lt;images…|folder&gt;</c>: every face of every probe photo answered with an identity or no-correspondence.</summary>
public static class IdentifyCommand
{
    public const int ProbesPerCall = 32;

    public static readonly Option<double?> TargetFpir = new("--target-fpir") { Description = "Operating point: target open-set FPIR (default: the gallery's, 1e-2)." };
    public static readonly Option<double?> Threshold = new("--threshold") { Description = "A raw cosine threshold instead of a target rate." };

    public static Command Create()
    {
        var probes = new Argument<string[]>("probes") { Description = "Probe image files or folders (searched recursively).", Arity = ArgumentArity.OneOrMore };
        var format = new Option<string>("--format") { Description = "table, json or csv (--json means json).", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json", "csv");
        var candidates = new Option<int?>("--candidates") { Description = "Candidates per face (default: the gallery's)." };
        var command = new Command("identify", "Identify every face in probe photos against the gallery: one row per face with its box, the identity or no-correspondence, score and candidates.")
        {
            probes, format, candidates, TargetFpir, Threshold, CliOptions.Aligned,
        };
        command.SetAction(async (parse, _) =>
        {
            var json = parse.GetValue(CliOptions.Json) || parse.GetValue(format) == "json";
            var output = new CommandOutput(json);
            var files = ImageFiles.Expand(parse.GetValue(probes)!);
            var options = new IdentifyOptions(ThresholdFrom(parse), parse.GetValue(candidates), parse.GetValue(CliOptions.Aligned));
            await using var gallery = await GalleryConnection.OpenAsync(parse);
            var matcher = gallery.Grains.GetGrain<IMatcherGrain>(0);
            var answers = new List<(string Probe, ProbeAnswer Answer)>();
            await output.WithProgressAsync("identifying", async progress =>
            {
                foreach (var chunk in files.Chunk(ProbesPerCall))
                {
                    var result = await matcher.IdentifyAsync(chunk.Select(ImageFiles.Read).ToList(), options);
                    answers.AddRange(chunk.Zip(result));
                    progress(answers.Count, files.Count);
                }
            });

            var faces = answers.SelectMany(a => a.Answer.Faces).ToList();
            if (parse.GetValue(format) == "csv" && !json)
            {
                Console.Out.WriteLine(AnswerFormat.CsvHeader);
                foreach (var (probe, answer) in answers)
                {
                    foreach (var row in AnswerFormat.CsvRows(probe, answer))
                    {
                        Console.Out.WriteLine(row);
                    }
                }

                return answers.All(a => a.Answer.Rejection is not null) ? CliErrors.UserError : 0;
            }

            output.Result(
                new JsonObject
                {
                    ["answers"] = new JsonArray(answers.Select(a => (JsonNode)AnswerFormat.Json(a.Answer, a.Probe)).ToArray()),
                    ["face_count"] = faces.Count,
                    ["identified"] = faces.Count(f => f.Decision == IdentifyDecision.Identified),
                    ["no_correspondence"] = faces.Count(f => f.Decision == IdentifyDecision.NoCorrespondence),
                    ["rejected_probes"] = answers.Count(a => a.Answer.Rejection is not null),
                },
                console =>
                {
                    var table = new Table().AddColumns("probe", "face (x,y,w,h)", "answer", "score", "candidates");
                    foreach (var (probe, a) in answers)
                    {
                        if (a.Rejection is { } rejection)
                        {
                            table.AddRow(Markup.Escape(probe), "", $"[red]rejected: {Markup.Escape(rejection.Message)}[/]", "", "");
                            continue;
                        }

                        foreach (var f in a.Faces)
                        {
                            var label = f.Decision == IdentifyDecision.Identified ? $"[green]{Markup.Escape(f.Label)}[/]" : $"[yellow]{f.Label}[/]";
                            table.AddRow(Markup.Escape(probe), AnswerFormat.Box(f.Location), label, AnswerFormat.Score(f.Score), Markup.Escape(AnswerFormat.Candidates(f)));
                        }
                    }

                    console.Write(table);
                    if (answers.Select(a => a.Answer.Threshold).FirstOrDefault(t => t is not null) is { } t)
                    {
                        console.MarkupLine($"[grey]threshold {t.Threshold:F4} ({t.Source.ToString().ToLowerInvariant()}): {Markup.Escape(t.Reason)}[/]");
                    }
                });
            return answers.All(a => a.Answer.Rejection is not null) ? CliErrors.UserError : 0;
        });
        return command;
    }

    public static ThresholdRequest? ThresholdFrom(ParseResult parse)
    {
        var target = parse.GetValue(TargetFpir);
        var raw = parse.GetValue(Threshold);
        if (target is not null && raw is not null)
        {
            throw new ArgumentOutOfRangeException(nameof(TargetFpir), "give --target-fpir or --threshold, not both.");
        }

        if (target is not null && !(target > 0 && target < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(TargetFpir), target, "--target-fpir must be between 0 and 1, exclusive.");
        }

        return target is null && raw is null ? null : new ThresholdRequest(target, raw);
    }
}
