using System.Collections.Concurrent;
using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Nodes;
using FaceGrains.ClientCli.Gallery;
using FaceGrains.Grains.Interfaces;
using FaceGrains.Recognition.Datasets;
using Orleans.Runtime;
using Spectre.Console;

namespace FaceGrains.ClientCli.Commands;

/// <summary>
/// <c>facegrains bench gallery | enroll-durability</c>: measurements through a running silo cluster (over --gateway).
/// Figures only, no assertions: the numbers go to docs/BENCHMARKS.md.
/// </summary>
public static class GalleryBenchCommand
{
    public static Command Gallery()
    {
        var identities = new Option<int>("--identities") { Description = "Identities to enrol as random unit vectors (embedding-in) before measuring; 0 = use the gallery as it is.", DefaultValueFactory = _ => 10_000 };
        var probes = new Option<int>("--probes") { Description = "Identify calls to time (one probe each).", DefaultValueFactory = _ => 2_000 };
        var concurrency = new Option<int>("--concurrency") { Description = "Identify calls in flight at once.", DefaultValueFactory = _ => 8 };
        var prefix = new Option<string>("--prefix") { Description = "Identity id prefix of the synthetic identities.", DefaultValueFactory = _ => "bench-" };
        var seed = new Option<int>("--seed") { Description = "Random seed.", DefaultValueFactory = _ => 1 };
        var checks = new Option<int>("--enrolled-checks")
        {
            Description = "Before timing: identify the enrolled vectors of the first C synthetic identities (this seed and prefix) and count those answered with their own identity; the first of these calls is the gallery's first identify (cold after a restart: first_identify_ms).",
            DefaultValueFactory = _ => 10,
        };
        var mixedRate = new Option<int>("--mixed-enrol-rate")
        {
            Description = "After the identify-only timing, time the same identify calls again while new synthetic identities (<prefix>mixed-<i>, embedding-in) are enrolled at this many per second; 0 = no mixed phase.",
            DefaultValueFactory = _ => 0,
        };
        var command = new Command("gallery", "Identify latency (p50, p99) and throughput through the grains, embedding-in, with N synthetic identities.")
        {
            identities, probes, concurrency, prefix, seed, checks, mixedRate,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = new CommandOutput(parse.GetValue(CliOptions.Json));
            await using var gallery = await GalleryConnection.OpenAsync(parse);
            var grains = gallery.Grains;
            var registry = await grains.GetGrain<IModelRegistryGrain>(0).GetAsync();
            var dim = registry.Versions.First(v => v.Id == registry.ActiveVersion).EmbeddingSize;
            var n = parse.GetValue(identities);
            var random = new Random(parse.GetValue(seed));

            var enrolSeconds = 0.0;
            var enrolRetries = 0;
            if (n > 0 && await FirstForeignIdentityAsync(grains.GetGrain<IGalleryGrain>(0), parse.GetValue(prefix)!) is { } foreign)
            {
                throw new InvalidOperationException(
                    $"The gallery already holds '{foreign}', which is not one of this benchmark's identities (prefix '{parse.GetValue(prefix)}'): "
                    + "random vectors enrolled beside real people would become part of the gallery's own impostor calibration and lower its threshold "
                    + "until strangers are accepted. Run bench gallery against a gallery of its own (a fresh home or cluster), or with --identities 0 to time this gallery as it is.");
            }

            if (n > 0)
            {
                var clock = Stopwatch.StartNew();
                await output.WithProgressAsync("enrolling vectors", async progress =>
                {
                    var done = 0;
                    await Parallel.ForEachAsync(Enumerable.Range(0, n), new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellationToken }, async (i, _) =>
                    {
                        var vector = UnitVector(new Random(parse.GetValue(seed) * 1_000_003 + i), dim);
                        // Enrolment is idempotent: a call that timed out (storage slow under load) is sent again, and counted.
                        await SwapBenchCommand.Retrying(
                            () => grains.GetGrain<IIdentityGrain>($"{parse.GetValue(prefix)}{i}").EnrollEmbeddingsAsync(new EmbeddingEnrollRequest([new FaceVector("v0", vector)])),
                            () => Interlocked.Increment(ref enrolRetries));
                        var d = Interlocked.Increment(ref done);
                        if (d % 500 == 0 || d == n)
                        {
                            progress(d, n);
                        }
                    });
                });
                enrolSeconds = clock.Elapsed.TotalSeconds;
            }

            var matcher = grains.GetGrain<IMatcherGrain>(0);
            var calls = parse.GetValue(probes);
            var probeVectors = Enumerable.Range(0, calls).Select(_ => UnitVector(random, dim)).ToArray();

            // The enrolled vectors of the first identities, answered at the silo's default operating point (exact vectors: cosine 1).
            var checkCount = parse.GetValue(checks);
            var firstIdentifyMs = (double?)null;
            var correct = 0;
            for (var i = 0; i < checkCount; i++)
            {
                var vector = UnitVector(new Random(parse.GetValue(seed) * 1_000_003 + i), dim);
                var start = Stopwatch.GetTimestamp();
                var answer = await matcher.IdentifyEmbeddingsAsync(new ProbeBatch(vector, 1, dim));
                firstIdentifyMs ??= Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                correct += answer[0].Faces[0].IdentityId == $"{parse.GetValue(prefix)}{i}" ? 1 : 0;
            }

            // Warm-up: activate every shard and the matcher workers.
            for (var i = 0; i < 20; i++)
            {
                await matcher.IdentifyEmbeddingsAsync(new ProbeBatch(probeVectors[i % calls], 1, dim));
            }

            async Task<(double[] Latencies, double Seconds)> TimeIdentifies()
            {
                var latencies = new double[calls];
                var total = Stopwatch.StartNew();
                await Parallel.ForEachAsync(Enumerable.Range(0, calls), new ParallelOptions { MaxDegreeOfParallelism = parse.GetValue(concurrency), CancellationToken = cancellationToken }, async (i, _) =>
                {
                    var start = Stopwatch.GetTimestamp();
                    await matcher.IdentifyEmbeddingsAsync(new ProbeBatch(probeVectors[i], 1, dim));
                    latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                });
                Array.Sort(latencies);
                return (latencies, total.Elapsed.TotalSeconds);
            }

            var (latencies, seconds) = await TimeIdentifies();
            double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

            // Mixed load: the same identify calls while a paced loop enrols new identities (each enrolment changes one
            // shard's rows in place while searches run on it).
            var rate = parse.GetValue(mixedRate);
            (double[] Latencies, double Seconds, int Enrolled, double EnrolSeconds)? mixed = null;
            if (rate > 0)
            {
                using var stop = new CancellationTokenSource();
                var enrolled = 0;
                var enrolClock = Stopwatch.StartNew();

                async Task EnrolOneAsync(int i)
                {
                    var vector = UnitVector(new Random((parse.GetValue(seed) * 7_000_003) + i), dim);
                    await SwapBenchCommand.Retrying(
                        () => grains.GetGrain<IIdentityGrain>($"{parse.GetValue(prefix)}mixed-{i}").EnrollEmbeddingsAsync(new EmbeddingEnrollRequest([new FaceVector("v0", vector)])),
                        () => Interlocked.Increment(ref enrolRetries));
                    Interlocked.Increment(ref enrolled);
                }

                // Enrolment i starts i / rate seconds in, until the identify calls are done.
                async Task EnrolAtRateAsync()
                {
                    var pending = new List<Task>();
                    for (var i = 0; !stop.IsCancellationRequested; i++)
                    {
                        var due = TimeSpan.FromSeconds(i / (double)rate) - enrolClock.Elapsed;
                        try
                        {
                            await Task.Delay(due > TimeSpan.Zero ? due : TimeSpan.Zero, stop.Token);
                        }
                        catch (OperationCanceledException)
                        {
                            break;
                        }

                        pending.Add(EnrolOneAsync(i));
                    }

                    await Task.WhenAll(pending);
                }

                var enrolling = EnrolAtRateAsync();
                var (mixedLatencies, mixedSeconds) = await TimeIdentifies();
                var mixedEnrolSeconds = enrolClock.Elapsed.TotalSeconds;
                await stop.CancelAsync();
                await enrolling;
                mixed = (mixedLatencies, mixedSeconds, enrolled, mixedEnrolSeconds);
            }

            var mixedP50 = mixed is { } mp ? Percentile(mp.Latencies, 0.50) : (double?)null;

            // Statistics last and optional: on an overloaded machine the fan-out to every shard can outlast the response timeout.
            GalleryStats? stats = null;
            try
            {
                stats = await grains.GetGrain<IGalleryGrain>(0).GetStatsAsync();
            }
            catch (TimeoutException e)
            {
                output.Log($"gallery stats timed out: {e.Message.Split('.')[0]}");
            }

            var silos = stats?.Shards.Select(s => s.Silo).Distinct().Count();
            output.Result(
                new JsonObject
                {
                    ["identities"] = stats?.IdentityCount,
                    ["shards"] = stats?.Shards.Count,
                    ["silos_holding_shards"] = silos,
                    ["dimension"] = dim,
                    ["enrol_seconds"] = enrolSeconds,
                    ["enrol_identities_per_second"] = n > 0 ? n / enrolSeconds : null,
                    ["enrol_retries"] = enrolRetries,
                    ["first_identify_ms"] = firstIdentifyMs,
                    ["enrolled_checks"] = checkCount,
                    ["enrolled_checks_correct"] = correct,
                    ["identify_calls"] = calls,
                    ["concurrency"] = parse.GetValue(concurrency),
                    ["p50_ms"] = Percentile(latencies, 0.50),
                    ["p99_ms"] = Percentile(latencies, 0.99),
                    ["mean_ms"] = latencies.Average(),
                    ["probes_per_second"] = calls / seconds,
                    ["mixed_enrol_rate"] = rate,
                    ["mixed_enrolled"] = mixed?.Enrolled,
                    ["mixed_enrol_identities_per_second"] = mixed?.Enrolled / mixed?.EnrolSeconds,
                    ["mixed_p50_ms"] = mixedP50,
                    ["mixed_p99_ms"] = mixed is { } m ? Percentile(m.Latencies, 0.99) : null,
                    ["mixed_probes_per_second"] = calls / mixed?.Seconds,
                    ["mixed_p50_ratio"] = mixedP50 / Percentile(latencies, 0.50),
                },
                console =>
                {
                    var table = new Table().AddColumns("bench gallery", "value");
                    table.AddRow("identities / shards / silos holding shards", $"{stats?.IdentityCount} / {stats?.Shards.Count} / {silos}");
                    if (n > 0)
                    {
                        table.AddRow("enrolment (embedding-in)", $"{n / enrolSeconds:F0} identities/s");
                    }

                    table.AddRow("enrolled vectors answered with their identity", $"{correct} / {checkCount} (first identify {firstIdentifyMs:F0} ms)");
                    table.AddRow("identify latency p50 / p99", $"{Percentile(latencies, 0.50):F2} / {Percentile(latencies, 0.99):F2} ms ({parse.GetValue(concurrency)} in flight)");
                    table.AddRow("identify throughput", $"{calls / seconds:F0} probes/s");
                    if (mixed is { } mx)
                    {
                        table.AddRow($"while enrolling {rate}/s ({mx.Enrolled / mx.EnrolSeconds:F0}/s reached)", $"p50 / p99 {mixedP50:F2} / {Percentile(mx.Latencies, 0.99):F2} ms ({mixedP50 / Percentile(latencies, 0.50):F2}× identify-only p50), {calls / mx.Seconds:F0} probes/s");
                    }
                    console.Write(table);
                });
            return 0;
        });
        return command;
    }

    public static Command EnrollDurability()
    {
        var data = new Option<DirectoryInfo>("--data") { Description = "Folder-per-person image set; the first image of each of the first N people is enrolled.", Required = true };
        var identities = new Option<int>("--identities") { Description = "N: identities to enrol.", DefaultValueFactory = _ => 1_000 };
        var parallel = new Option<int>("--parallel") { Description = "Enrolments in flight at once.", DefaultValueFactory = _ => 8 };
        var prefix = new Option<string>("--prefix") { Description = "Identity id prefix.", DefaultValueFactory = _ => "durable-" };
        var command = new Command("enroll-durability", "Enrol N identities (one real image each), retrying calls that fail while silos come and go; then check that every acknowledged enrolment is present and identifiable.")
        {
            data, identities, parallel, prefix,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = new CommandOutput(parse.GetValue(CliOptions.Json));
            var people = FolderDataset.Open(parse.GetValue(data)!.FullName).Identities.Take(parse.GetValue(identities)).ToList();
            await using var gallery = await GalleryConnection.OpenAsync(parse);
            var grains = gallery.Grains;
            var acknowledged = new ConcurrentDictionary<string, string>();
            var errors = new ConcurrentBag<string>();
            var refused = 0;
            var clock = Stopwatch.StartNew();
            await output.WithProgressAsync("enrolling", async progress =>
            {
                var done = 0;
                await Parallel.ForEachAsync(people, new ParallelOptions { MaxDegreeOfParallelism = parse.GetValue(parallel), CancellationToken = cancellationToken }, async (person, _) =>
                {
                    var id = parse.GetValue(prefix) + person.Name;
                    var next = 0;
                    for (var attempt = 1; next < person.ImagePaths.Count; attempt++)
                    {
                        var image = person.ImagePaths[next];
                        try
                        {
                            var result = await grains.GetGrain<IIdentityGrain>(id).EnrollAsync(new EnrollRequest([ImageFiles.Read(image)]));
                            if (result.Faces[0].IsEnrolled)
                            {
                                acknowledged[id] = image;
                                break;
                            }

                            // Refused by the enrolment gate (blurred, turned away, no face): the person's next photo, not a retry.
                            Interlocked.Increment(ref refused);
                            next++;
                        }
                        catch (Exception e) when (IsRetriable(e) && attempt < 20)
                        {
                            // In flight on a silo that died, or a grain moving: enrolment is idempotent, so send it again.
                            errors.Add($"{id} attempt {attempt}: {e.GetType().Name}: {e.Message.Split('\n')[0]}");
                            await Task.Delay(500 * Math.Min(attempt, 6), cancellationToken);
                        }
                    }

                    progress(Interlocked.Increment(ref done), people.Count);
                });
            });
            var enrolSeconds = clock.Elapsed.TotalSeconds;

            // Check: every acknowledged identity is there with its face, and its own image identifies it.
            var missing = new ConcurrentBag<string>();
            var notIdentified = new ConcurrentBag<string>();
            var matcher = grains.GetGrain<IMatcherGrain>(0);
            await Parallel.ForEachAsync(acknowledged, new ParallelOptions { MaxDegreeOfParallelism = parse.GetValue(parallel), CancellationToken = cancellationToken }, async (entry, _) =>
            {
                var view = await grains.GetGrain<IIdentityGrain>(entry.Key).GetAsync();
                if (view is null || view.Faces.Count == 0)
                {
                    missing.Add(entry.Key);
                    return;
                }

                var answer = (await matcher.IdentifyAsync([ImageFiles.Read(entry.Value)], new IdentifyOptions(new ThresholdRequest(Threshold: 0.99))))[0];
                var face = answer.Faces.FirstOrDefault();
                if (face?.IdentityId != entry.Key)
                {
                    notIdentified.Add($"{entry.Key} → {face?.Label ?? answer.Rejection?.Message}");
                }
            });

            var errorTypes = errors.Select(e => e.Split(": ")[1]).GroupBy(t => t).ToDictionary(g => g.Key, g => g.Count());
            output.Result(
                new JsonObject
                {
                    ["identities"] = people.Count,
                    ["acknowledged"] = acknowledged.Count,
                    ["present"] = acknowledged.Count - missing.Count,
                    ["identifiable"] = acknowledged.Count - missing.Count - notIdentified.Count,
                    ["missing"] = new JsonArray(missing.Select(m => (JsonNode)m).ToArray()),
                    ["not_identified"] = new JsonArray(notIdentified.Select(m => (JsonNode)m).ToArray()),
                    ["refused_images"] = refused,
                    ["retried_calls"] = errors.Count,
                    ["retried_errors"] = new JsonObject(errorTypes.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
                    ["enrol_seconds"] = enrolSeconds,
                    ["faces_per_second"] = people.Count / enrolSeconds,
                },
                console =>
                {
                    var table = new Table().AddColumns("enroll-durability", "value");
                    table.AddRow("identities / acknowledged", $"{people.Count} / {acknowledged.Count}");
                    table.AddRow("present / identifiable", $"{acknowledged.Count - missing.Count} / {acknowledged.Count - missing.Count - notIdentified.Count}");
                    table.AddRow("calls retried", $"{errors.Count} ({Markup.Escape(string.Join(", ", errorTypes.Select(kv => $"{kv.Key} ×{kv.Value}")))})");
                    table.AddRow("time", $"{enrolSeconds:F1} s ({people.Count / enrolSeconds:F1} faces/s)");
                    console.Write(table);
                });
            return missing.IsEmpty && notIdentified.IsEmpty ? 0 : 1;
        });
        return command;
    }

    private static bool IsRetriable(Exception e) =>
        e is SiloUnavailableException or TimeoutException or OrleansMessageRejectionException or Orleans.Runtime.Messaging.ConnectionFailedException or OrleansException
        || e.InnerException is { } inner && IsRetriable(inner);

    /// <summary>The first identity of the gallery (in id order) that is not one of this benchmark's (<paramref name="prefix"/>), or null.</summary>
    private static async Task<string?> FirstForeignIdentityAsync(IGalleryGrain gallery, string prefix)
    {
        string? after = null;
        do
        {
            var page = await gallery.ListIdentitiesAsync(new IdentityPageRequest(after, IdentityPageRequest.MaxLimit, null));
            if (page.Identities.FirstOrDefault(i => !i.Id.StartsWith(prefix, StringComparison.Ordinal)) is { } foreign)
            {
                return foreign.Id;
            }

            after = page.NextCursor;
        }
        while (after is not null);
        return null;
    }

    private static float[] UnitVector(Random random, int dim)
    {
        var v = new float[dim];
        double norm = 0;
        for (var i = 0; i < dim; i++)
        {
            // Box–Muller: Gaussian coordinates make the direction uniform on the sphere.
            var g = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            v[i] = (float)g;
            norm += g * g;
        }

        var scale = (float)(1 / Math.Sqrt(norm));
        for (var i = 0; i < dim; i++)
        {
            v[i] *= scale;
        }

        return v;
    }
}
