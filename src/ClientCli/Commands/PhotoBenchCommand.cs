using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using FaceGrains.ClientCli.Gallery;
using FaceGrains.Grains.Interfaces;
using FaceGrains.Recognition.Datasets;
using FaceGrains.Recognition.Detection;
using FaceGrains.Recognition.Embedding;
using FaceGrains.Recognition.Images;
using Spectre.Console;

namespace FaceGrains.ClientCli.Commands;

/// <summary>
/// <c>facegrains bench photos</c>: what the grains cost on top of the face pipeline. The same photos are enrolled and
/// identified through an in-process embedded silo (the served path: embedder grain, batcher, identity grains, shards)
/// and prepared and embedded offline (preparer + embedder, no grains), with the same number of photos in flight.
/// Rounds alternate the two paths on fresh photos, so load that drifts on a shared machine falls on both.
/// </summary>
public static class PhotoBenchCommand
{
    public static Command Create()
    {
        var data = new Option<DirectoryInfo>("--data") { Description = "Photos (searched recursively, in name order).", Required = true };
        var count = new Option<int>("--count") { Description = "Photos per round.", DefaultValueFactory = _ => 200 };
        var rounds = new Option<int>("--rounds") { Description = "Rounds, each on the next --count photos: offline and through the silo alternate, so drifting load on a shared machine hits both alike; the medians are reported.", DefaultValueFactory = _ => 3 };
        var parallel = new Option<int>("--parallel") { Description = "Photos in flight at once, in both paths.", DefaultValueFactory = _ => 4 };
        var command = new Command("photos", "Photos/s through an in-process silo (enrol: the largest face, identify: every face) beside the offline detect + align + embed rate on the same photos; the grains' share of the cost.")
        {
            data, count, rounds, parallel, CliOptions.Model, CliOptions.Detector, CliOptions.Threads,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = new CommandOutput(parse.GetValue(CliOptions.Json));
            var model = CliModels.Resolve(parse, output);
            var p = parse.GetValue(parallel);
            var perRound = parse.GetValue(count);
            var roundCount = parse.GetValue(rounds);
            if (perRound < 1 || roundCount < 1 || p < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(count), "--count, --rounds and --parallel must be at least 1.");
            }

            var files = Directory.EnumerateFiles(parse.GetValue(data)!.FullName, "*", SearchOption.AllDirectories)
                .Where(FolderDataset.IsImageFile).Order(StringComparer.Ordinal).Take(perRound * roundCount).ToList();
            if (files.Count < perRound * roundCount)
            {
                throw new FileNotFoundException($"--rounds {roundCount} × --count {perRound} needs {perRound * roundCount} image files under --data; found {files.Count}.");
            }

            var photos = files.Select(f => new FaceImage(File.ReadAllBytes(f), Path.GetFileName(f))).ToList();
            var options = new ParallelOptions { MaxDegreeOfParallelism = p, CancellationToken = cancellationToken };
            // Both paths with the same settings: --detector as the silo's DetectorPrecision, --threads as its EmbedderIntraOpThreads.
            var threads = parse.GetValue(CliOptions.Threads);
            using var embedder = new FaceEmbedder(model, CliOptions.EmbedderOptions(parse));
            using var preparer = CliModels.Preparer(parse, model, output, threads);
            await using var silo = await DemoSilo.StartAsync(CliModels.Home(parse), model.Id, output.Log, cancellationToken, gallery =>
            {
                gallery.DetectorPrecision = parse.GetValue(CliOptions.Detector)!;
                gallery.EmbedderIntraOpThreads = threads;
            });
            var grains = silo.Grains;

            // Warm both paths up: sessions, JIT, grain activations.
            embedder.Embed(preparer.Prepare(ImageDecoder.Decode(photos[0].Bytes), FaceSelection.Every).Faces);
            await grains.GetGrain<IMatcherGrain>(0).IdentifyAsync([photos[0]]);

            double Offline(IReadOnlyList<FaceImage> round, FaceSelection selection)
            {
                var clock = Stopwatch.StartNew();
                Parallel.ForEach(round, options, photo =>
                {
                    var prepared = preparer.Prepare(ImageDecoder.Decode(photo.Bytes), selection);
                    if (prepared.HasFaces)
                    {
                        embedder.Embed(prepared.Faces);
                    }
                });
                return round.Count / clock.Elapsed.TotalSeconds;
            }

            var offlineEnrol = new List<double>();
            var siloEnrol = new List<double>();
            var offlineIdentify = new List<double>();
            var siloIdentify = new List<double>();
            var accepted = 0;
            var faces = 0;
            for (var r = 0; r < roundCount; r++)
            {
                var round = photos.Skip(r * perRound).Take(perRound).ToList();
                offlineEnrol.Add(Offline(round, FaceSelection.Largest));
                var clock = Stopwatch.StartNew();
                await Parallel.ForEachAsync(round.Select((photo, i) => (photo, i)), options, async (x, _) =>
                {
                    var result = await grains.GetGrain<IIdentityGrain>($"photo-{r}-{x.i}").EnrollAsync(new EnrollRequest([x.photo]));
                    Interlocked.Add(ref accepted, result.AcceptedCount);
                });
                siloEnrol.Add(round.Count / clock.Elapsed.TotalSeconds);
                offlineIdentify.Add(Offline(round, FaceSelection.Every));
                clock.Restart();
                await Parallel.ForEachAsync(round, options, async (photo, _) =>
                {
                    var answer = await grains.GetGrain<IMatcherGrain>(0).IdentifyAsync([photo]);
                    Interlocked.Add(ref faces, answer[0].Faces.Count);
                });
                siloIdentify.Add(round.Count / clock.Elapsed.TotalSeconds);
            }

            static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
            static JsonArray Rates(List<double> values) => new(values.Select(v => (JsonNode)v).ToArray());
            var (oe, se, oi, si) = (Median(offlineEnrol), Median(siloEnrol), Median(offlineIdentify), Median(siloIdentify));
            var payload = new JsonObject
            {
                ["model"] = model.Id,
                ["photos"] = photos.Count,
                ["rounds"] = roundCount,
                ["parallel"] = p,
                ["detector"] = preparer.Detector?.Model.Info.Name,
                ["threads"] = threads,
                ["enrolled"] = accepted,
                ["identified_faces"] = faces,
                ["offline_enrol_photos_per_second"] = oe,
                ["silo_enrol_photos_per_second"] = se,
                ["enrol_grain_cost"] = 1 - (se / oe),
                ["offline_identify_photos_per_second"] = oi,
                ["silo_identify_photos_per_second"] = si,
                ["identify_grain_cost"] = 1 - (si / oi),
                ["rounds_offline_enrol"] = Rates(offlineEnrol),
                ["rounds_silo_enrol"] = Rates(siloEnrol),
                ["rounds_offline_identify"] = Rates(offlineIdentify),
                ["rounds_silo_identify"] = Rates(siloIdentify),
            };
            output.Result(payload, console =>
            {
                var table = new Table().AddColumns("photos/s", "offline (preparer + embedder)", "through the silo", "grains' cost");
                table.AddRow("enrol (largest face)", oe.ToString("F1", CultureInfo.InvariantCulture), se.ToString("F1", CultureInfo.InvariantCulture), (1 - (se / oe)).ToString("P1", CultureInfo.InvariantCulture));
                table.AddRow("identify (every face)", oi.ToString("F1", CultureInfo.InvariantCulture), si.ToString("F1", CultureInfo.InvariantCulture), (1 - (si / oi)).ToString("P1", CultureInfo.InvariantCulture));
                console.Write(table);
                console.MarkupLine(Markup.Escape($"medians of {roundCount} rounds of {perRound} photos, {p} in flight; {accepted} enrolled, {faces} faces identified"));
            });
            return 0;
        });
        return command;
    }
}
