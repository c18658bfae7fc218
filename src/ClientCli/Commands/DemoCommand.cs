using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using FaceGrains.ClientCli.Gallery;
using FaceGrains.Grains.Interfaces;
using FaceGrains.Recognition.Datasets;
using FaceGrains.Recognition.Evaluation;
using FaceGrains.Recognition.Protocols;
using Spectre.Console;

namespace FaceGrains.ClientCli.Commands;

/// <summary>
/// <c>facegrains demo</c>: the whole gallery in one process. Starts an embedded silo, enrols K images of a share of
/// the people through the identity grains, identifies every other image through the matcher, and scores the answers
/// with the same split and metrics as <c>eval openset</c>, so the two can be compared figure by figure.
/// </summary>
public static class DemoCommand
{
    public const int CandidateCount = OpenSetProtocol.CandidateCount;

    public static Command Create()
    {
        var data = new Option<DirectoryInfo>("--data") { Description = "Folder-per-person image set.", Required = true };
        var enroll = new Option<int>("--enroll-per-identity") { Description = "K: images enrolled per known person.", DefaultValueFactory = _ => 3 };
        var minImages = new Option<int>("--min-images") { Description = "M: only people with at least M images take part; must exceed K.", DefaultValueFactory = _ => 5 };
        var known = new Option<double>("--known-fraction") { Description = "F: share of those people enrolled (the rest are unknown).", DefaultValueFactory = _ => 0.75 };
        var seed = new Option<int>("--seed") { Description = "Seed for the split (the same split as eval openset --unknown-fraction 1-F).", DefaultValueFactory = _ => 1 };
        var examples = new Option<int>("--examples") { Description = "Example answers printed per kind (known, unknown).", DefaultValueFactory = _ => 3 };
        var command = new Command("demo", "Start an in-process embedded silo, enrol part of a face set through the grains, identify the rest; prints rank-1, FPIR and FNIR at the default operating point. --aligned: the images are aligned face chips.")
        {
            data, enroll, minImages, known, seed, examples, CliOptions.Model, CliOptions.Aligned,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = new CommandOutput(parse.GetValue(CliOptions.Json));
            var k = parse.GetValue(enroll);
            var m = parse.GetValue(minImages);
            var fraction = parse.GetValue(known);
            if (m <= k)
            {
                throw new ArgumentOutOfRangeException(nameof(minImages), m, $"--min-images ({m}) must exceed --enroll-per-identity ({k}) so every known person has probes.");
            }

            if (!(fraction > 0 && fraction <= 1))
            {
                throw new ArgumentOutOfRangeException(nameof(known), fraction, "--known-fraction must be in (0, 1].");
            }

            var dataset = FolderDataset.Open(parse.GetValue(data)!.FullName, m);
            var split = OpenSetSplit.Create(dataset, k, 1 - fraction, parse.GetValue(seed));
            var home = CliModels.Home(parse);
            var model = CliModels.Resolve(parse, output);
            var aligned = parse.GetValue(CliOptions.Aligned);
            await using var silo = await DemoSilo.StartAsync(home, model.Id, output.Log, cancellationToken);
            var grains = silo.Grains;

            // Enrol.
            var clock = Stopwatch.StartNew();
            var enrolment = await SplitEnrolment.RunAsync(grains, split, aligned, output, cancellationToken);
            var (enrolledImages, enrolledIdentities, rejectedEnrolments, enrolTotal) = (enrolment.EnrolledImages, enrolment.EnrolledIdentities, enrolment.Rejected, enrolment.Total);
            var enrolSeconds = clock.Elapsed.TotalSeconds;

            // The gallery measures its own impostor scores in the background as it grows; here it is asked to do so now,
            // so that every probe below is answered at the same operating point.
            var calibration = await grains.GetGrain<IGalleryCalibrationGrain>(model.Id).RefreshAsync();

            // Identify every probe: mated (known people's other images) and non-mated (unknown people's images).
            var probes = split.Known.SelectMany(x => x.Probes.Select(p => (Path: p, Mated: (string?)x.Identity)))
                .Concat(split.Unknown.SelectMany(x => x.Probes.Select(p => (Path: p, Mated: (string?)null))))
                .ToList();
            var answers = new ProbeAnswer[probes.Count];
            clock.Restart();
            var matcher = grains.GetGrain<IMatcherGrain>(0);
            var options = new IdentifyOptions(CandidateCount: CandidateCount, Aligned: aligned);
            await output.WithProgressAsync("identifying", async progress =>
            {
                var done = 0;
                var chunks = Enumerable.Range(0, (probes.Count + IdentifyCommand.ProbesPerCall - 1) / IdentifyCommand.ProbesPerCall).ToList();
                await Parallel.ForEachAsync(chunks, new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = cancellationToken }, async (chunk, _) =>
                {
                    var start = chunk * IdentifyCommand.ProbesPerCall;
                    var slice = probes.Skip(start).Take(IdentifyCommand.ProbesPerCall).ToList();
                    var result = await matcher.IdentifyAsync(slice.Select(p => ImageFiles.Read(p.Path)).ToList(), options);
                    for (var i = 0; i < result.Count; i++)
                    {
                        answers[start + i] = result[i];
                    }

                    progress(Interlocked.Add(ref done, slice.Count), probes.Count);
                });
            });
            var identifySeconds = clock.Elapsed.TotalSeconds;

            var report = DemoReport.From(probes.Select(p => p.Mated).ToList(), answers, enrolledIdentities);
            var examplesPerKind = parse.GetValue(examples);
            var exampleRows = probes.Select((p, i) => (p.Path, p.Mated, Answer: answers[i].Faces.FirstOrDefault()))
                .Where(x => x.Answer is not null)
                .GroupBy(x => x.Mated is null)
                .SelectMany(g => g.Where((_, i) => i % Math.Max(1, g.Count() / Math.Max(1, examplesPerKind)) == 0).Take(examplesPerKind))
                .ToList();

            var payload = report.ToJson();
            payload["model"] = model.Id;
            payload["recipe"] = model.Manifest.Preprocessing.Describe();
            payload["aligned"] = aligned;
            payload["gallery_impostor_scores"] = calibration?.ImpostorScores;
            payload["known_identities"] = split.Known.Count;
            payload["unknown_identities"] = split.Unknown.Count;
            payload["enrolled_images"] = enrolledImages;
            payload["enrolled_identities"] = enrolledIdentities.Count;
            payload["rejected_enrolment_images"] = rejectedEnrolments.Count;
            payload["rejected_enrolment_reasons"] = new JsonObject(rejectedEnrolments.GroupBy(r => r.Status).OrderBy(g => g.Key)
                .Select(g => KeyValuePair.Create(GalleryJson.ToNode(g.Key)!.GetValue<string>(), (JsonNode?)g.Count())));
            payload["enrol_seconds"] = enrolSeconds;
            payload["enrol_faces_per_second"] = enrolTotal / enrolSeconds;
            payload["identify_seconds"] = identifySeconds;
            payload["identify_probes_per_second"] = probes.Count / identifySeconds;
            payload["examples"] = new JsonArray(exampleRows.Select(x => (JsonNode)new JsonObject
            {
                ["probe"] = Path.GetRelativePath(dataset.Root, x.Path),
                ["truth"] = x.Mated ?? "unknown",
                ["answer"] = x.Answer!.Label,
                ["score"] = x.Answer.Score,
            }).ToArray());
            output.Result(payload, console =>
            {
                var table = new Table().AddColumns("demo (through the grains)", "value");
                table.AddRow("known / unknown people", $"{split.Known.Count} / {split.Unknown.Count}");
                table.AddRow("enrolled images", $"{enrolledImages} ({enrolTotal / enrolSeconds:F1} faces/s)");
                table.AddRow("mated / non-mated probes", $"{report.Metrics.MatedCount} / {report.Metrics.NonMatedCount} ({probes.Count / identifySeconds:F1} probes/s)");
                table.AddRow("rank-1", $"{report.Metrics.Rank1:P2}");
                table.AddRow("default operating point", $"threshold {report.Threshold?.Threshold:F4} ({report.Threshold?.Source.ToString().ToLowerInvariant()}): {Markup.Escape(report.Threshold?.Reason ?? "")}");
                table.AddRow("unknowns rejected (no-correspondence)", $"{report.UnknownRejected:P2} (FPIR {1 - report.UnknownRejected:P2})");
                table.AddRow("FNIR at the default operating point", $"{report.FnirAtDefault:P2}");
                foreach (var f in report.Metrics.FnirAtFpir)
                {
                    table.AddRow($"FNIR @ FPIR {f.TargetFpir:0e0} (measured)", $"{f.Fnir:P2} (cosine {f.Threshold:F4})");
                }

                console.Write(table);
                var ex = new Table().AddColumns("probe", "truth", "answer", "score");
                foreach (var x in exampleRows)
                {
                    var right = x.Answer!.Label == (x.Mated ?? FaceAnswer.NoCorrespondenceLabel);
                    ex.AddRow(Markup.Escape(Path.GetRelativePath(dataset.Root, x.Path)), Markup.Escape(x.Mated ?? "unknown"),
                        $"[{(right ? "green" : "red")}]{Markup.Escape(x.Answer.Label)}[/]", AnswerFormat.Score(x.Answer.Score));
                }

                console.Write(ex);
                foreach (var r in rejectedEnrolments.Take(5))
                {
                    console.MarkupLine($"[yellow]not enrolled[/] {Markup.Escape(r.Text)}");
                }
            });
            return 0;
        });
        return command;
    }
}
