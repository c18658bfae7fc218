using System.CommandLine;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using FaceGrains.ClientCli.Gallery;
using FaceGrains.Grains.Interfaces;
using FaceGrains.Recognition.Datasets;
using Spectre.Console;

namespace FaceGrains.ClientCli.Commands;

/// <summary><c>facegrains enroll-folder &lt;root&gt;</c>: one identity per sub-folder, its images enrolled, under a progress bar.</summary>
public static class EnrollFolderCommand
{
    public static Command Create()
    {
        var root = new Argument<DirectoryInfo>("root") { Description = "Folder with one sub-folder per person (the sub-folder name is the identity id)." };
        var perIdentity = new Option<int>("--per-identity") { Description = "K: enrol at most K images per identity (the first K in name order; 0 = all).", DefaultValueFactory = _ => 0 };
        var minImages = new Option<int>("--min-images") { Description = "Skip people with fewer images.", DefaultValueFactory = _ => 1 };
        var parallel = new Option<int>("--parallel") { Description = "Identities enrolled concurrently.", DefaultValueFactory = _ => 8 };
        var command = new Command("enroll-folder", "Enrol a folder-per-person image set through the silo.") { root, perIdentity, minImages, parallel, CliOptions.Aligned };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = new CommandOutput(parse.GetValue(CliOptions.Json));
            var k = parse.GetValue(perIdentity);
            if (k < 0 || parse.GetValue(parallel) < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(perIdentity), "--per-identity must be ≥ 0 and --parallel ≥ 1.");
            }

            var dataset = FolderDataset.Open(parse.GetValue(root)!.FullName, Math.Max(1, parse.GetValue(minImages)));
            var failures = new ConcurrentBag<(string Identity, string Error)>();

            // A folder name is an identity id under the REST API's rule: NFC (macOS file systems hand names over
            // decomposed), nothing invisible. A folder that cannot be one is a failed identity; the others go ahead.
            var work = new List<(string Name, IReadOnlyList<string> Images)>();
            foreach (var person in dataset.Identities)
            {
                if (IdentityIds.Problem(person.Name) is { } problem)
                {
                    failures.Add((person.Name, $"the folder name is not an identity id: {problem}"));
                }
                else
                {
                    work.Add((IdentityIds.Normalize(person.Name), k == 0 ? person.ImagePaths : person.ImagePaths.Take(k).ToList()));
                }
            }

            var total = work.Sum(w => w.Images.Count);
            await using var gallery = await GalleryConnection.OpenAsync(parse);

            var clock = Stopwatch.StartNew();
            var outcomes = new ConcurrentBag<(string Identity, FaceOutcome Outcome)>();
            var done = 0;
            await output.WithProgressAsync("enrolling", async progress =>
            {
                await Parallel.ForEachAsync(work, new ParallelOptions { MaxDegreeOfParallelism = parse.GetValue(parallel), CancellationToken = cancellationToken }, async (item, _) =>
                {
                    try
                    {
                        var result = await gallery.Grains.GetGrain<IIdentityGrain>(item.Name).EnrollAsync(new EnrollRequest(item.Images.Select(ImageFiles.Read).ToList(), Aligned: parse.GetValue(CliOptions.Aligned)));
                        foreach (var f in result.Faces)
                        {
                            outcomes.Add((item.Name, f));
                        }
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        failures.Add((item.Name, e.Message));
                    }

                    progress(Interlocked.Add(ref done, item.Images.Count), total);
                });
            });
            var seconds = clock.Elapsed.TotalSeconds;

            var byStatus = outcomes.GroupBy(o => o.Outcome.Status).ToDictionary(g => StatusName(g.Key), g => g.Count());
            var accepted = outcomes.Count(o => o.Outcome.Status == FaceStatus.Accepted);
            var problems = outcomes.Where(o => !o.Outcome.IsEnrolled).OrderBy(o => o.Identity, StringComparer.Ordinal).ToList();
            output.Result(
                new JsonObject
                {
                    ["identities"] = work.Count,
                    ["images"] = total,
                    ["accepted_count"] = accepted,
                    ["by_status"] = new JsonObject(byStatus.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
                    ["failed_identities"] = new JsonArray(failures.Select(f => (JsonNode)new JsonObject { ["identity"] = f.Identity, ["error"] = f.Error }).ToArray()),
                    ["rejected"] = new JsonArray(problems.Select(p => (JsonNode)new JsonObject { ["identity"] = p.Identity, ["file"] = p.Outcome.FileName, ["status"] = StatusName(p.Outcome.Status), ["message"] = p.Outcome.Message }).ToArray()),
                    ["seconds"] = seconds,
                    ["faces_per_second"] = total / seconds,
                },
                console =>
                {
                    var table = new Table().AddColumns("enroll-folder", "value");
                    table.AddRow("identities / images", $"{work.Count} / {total}");
                    foreach (var (status, count) in byStatus.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                    {
                        table.AddRow(status, count.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    }

                    table.AddRow("time", $"{seconds:F1} s ({total / seconds:F1} faces/s)");
                    console.Write(table);
                    foreach (var p in problems.Take(10))
                    {
                        console.MarkupLine($"[yellow]{Markup.Escape(p.Identity)}[/] {Markup.Escape(p.Outcome.FileName ?? "")}: {Markup.Escape(p.Outcome.Message)}");
                    }

                    foreach (var f in failures.Take(10))
                    {
                        console.MarkupLine($"[red]{Markup.Escape(f.Identity)}[/]: {Markup.Escape(f.Error)}");
                    }
                });
            return failures.IsEmpty ? 0 : 1;
        });
        return command;
    }

    /// <summary>A status as the REST API spells it ("no_face").</summary>
    private static string StatusName(FaceStatus status) => GalleryJson.ToNode(status)!.GetValue<string>();
}
