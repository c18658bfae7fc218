using System.CommandLine;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using FaceGrains.ClientCli.Gallery;
using FaceGrains.Grains.Interfaces;
using FaceGrains.Recognition.Datasets;
using FaceGrains.Recognition.Protocols;
using Spectre.Console;

namespace FaceGrains.ClientCli.Commands;

/// <summary>
/// <c>facegrains bench swap</c>: a hot swap under load. Enrols the known people of an open-set split under the active
/// version, keeps identify calls in flight (probes of the same split) before, during and after the swap to
/// <c>--to</c>, waits for the flip, then rolls back; reports failed calls, latencies per phase, the gate's figures
/// and rank-1 before, after and after the rollback. In-process embedded silo by default; <c>--gateway</c> runs it
/// against a running cluster (the kill-a-silo run).
/// </summary>
public static class SwapBenchCommand
{
    /// <summary>How long a call is retried: a call is failed only when it failed for this long (a killed silo is declared dead and its grains move meanwhile).</summary>
    public static readonly TimeSpan RetryFor = TimeSpan.FromSeconds(60);

    public static Command Create()
    {
        var data = new Option<DirectoryInfo>("--data") { Description = "Folder-per-person image set.", Required = true };
        var enroll = new Option<int>("--enroll-per-identity") { Description = "K: images enrolled per known person.", DefaultValueFactory = _ => 2 };
        var minImages = new Option<int>("--min-images") { Description = "M: only people with at least M images take part; must exceed K.", DefaultValueFactory = _ => 5 };
        var known = new Option<double>("--known-fraction") { Description = "F: share of those people enrolled.", DefaultValueFactory = _ => 0.75 };
        var seed = new Option<int>("--seed") { Description = "Seed for the split (the split of eval openset --unknown-fraction 1-F).", DefaultValueFactory = _ => 1 };
        var to = new Option<string>("--to") { Description = "The model version to swap to (id or unique prefix in the model store).", Required = true };
        var force = new Option<bool>("--force") { Description = "Flip past a failing gate." };
        var inFlight = new Option<int>("--in-flight") { Description = "Identify calls kept in flight (one probe photo each).", DefaultValueFactory = _ => 8 };
        var command = new Command("swap", "Hot swap under load: enrol a split under the active version, keep identify calls in flight while activating --to (re-embed, gate, flip), then roll back; failed calls, latency per phase, gate figures, rank-1 before / after / after rollback.")
        {
            data, enroll, minImages, known, seed, to, force, inFlight, CliOptions.Model, CliOptions.Aligned,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = new CommandOutput(parse.GetValue(CliOptions.Json));
            var k = parse.GetValue(enroll);
            var m = parse.GetValue(minImages);
            var fraction = parse.GetValue(known);
            if (m <= k || !(fraction > 0 && fraction <= 1) || parse.GetValue(inFlight) < 1)
            {
                throw new ArgumentException("--min-images must exceed --enroll-per-identity, --known-fraction must be in (0, 1], --in-flight at least 1.");
            }

            var dataset = FolderDataset.Open(parse.GetValue(data)!.FullName, m);
            var split = OpenSetSplit.Create(dataset, k, 1 - fraction, parse.GetValue(seed));
            var aligned = parse.GetValue(CliOptions.Aligned);
            var target = CliModels.Store(parse).Get(parse.GetValue(to)!);

            // The embedded silo by default; a running cluster with --gateway.
            await using var silo = parse.GetValue(GalleryConnection.Gateway) is null
                ? await DemoSilo.StartAsync(CliModels.Home(parse), CliModels.Resolve(parse, output).Id, output.Log, cancellationToken)
                : null;
            await using var connection = silo is null ? await GalleryConnection.OpenAsync(parse) : null;
            var grains = silo?.Grains ?? connection!.Grains;
            var registry = grains.GetGrain<IModelRegistryGrain>(0);
            var from = (await registry.GetAsync()).ActiveVersion;
            if (from == target.Id)
            {
                throw new ArgumentException($"{target.ShortId} is the active version already; swap to another one.");
            }

            var enrolment = await SplitEnrolment.RunAsync(grains, split, aligned, output, cancellationToken);
            await grains.GetGrain<IGalleryCalibrationGrain>(from).RefreshAsync();
            var probes = split.Known.SelectMany(x => x.Probes.Select(p => (Path: p, Mated: (string?)x.Identity)))
                .Concat(split.Unknown.SelectMany(x => x.Probes.Select(p => (Path: p, Mated: (string?)null))))
                .ToList();
            var load = new Load(grains, probes.Select(p => p.Path).ToList(), parse.GetValue(inFlight), new IdentifyOptions(CandidateCount: DemoCommand.CandidateCount, Aligned: aligned));

            // Before: one pass over every probe.
            var before = await load.PassAsync("identify, before", output, cancellationToken);

            // During: calls keep flowing from the activation until the migration has ended.
            var clock = Stopwatch.StartNew();
            var during = load.RunUntil(cancellationToken, out var stopDuring);
            await registry.ActivateAsync(new ActivateRequest(target.Id, parse.GetValue(force)));
            var view = await ModelSwapCommands.FollowAsync(registry, output, target.Id, cancellationToken);
            stopDuring();
            var duringPhase = await during;
            var migration = view.Migration!;
            var gate = view.Gates?.GetValueOrDefault(target.Id);
            var flipped = migration.Phase == MigrationPhase.Flipped;

            // After the flip (silos follow the registry within a second): a pass under the new version, then roll back and pass again.
            Phase? after = null, afterRollback = null;
            var foundUnderNew = 0;
            if (flipped)
            {
                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
                after = await load.PassAsync("identify, after the flip", output, cancellationToken);
                foreach (var chunk in enrolment.EnrolledIdentities.Chunk(64))
                {
                    var centroids = await Task.WhenAll(chunk.Select(id => Retrying(() => grains.GetGrain<IIdentityGrain>(id).GetCentroidAsync(target.Id))));
                    foundUnderNew += centroids.Count(c => c is not null);
                }

                await Retrying(() => registry.RollbackAsync());
                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
                afterRollback = await load.PassAsync("identify, after the rollback", output, cancellationToken);
            }

            double? Rank1(Phase? phase) => phase is null ? null : DemoReport.From(probes.Select(p => p.Mated).ToList(), phase.Answers!, enrolment.EnrolledIdentities).Metrics.Rank1;
            var payload = new JsonObject
            {
                ["from"] = from,
                ["to"] = target.Id,
                ["to_embedding_size"] = target.Manifest.EmbeddingSize,
                ["phase"] = GalleryJson.ToNode(migration.Phase),
                ["message"] = migration.Message,
                ["gate_passed"] = gate?.Passed,
                ["gate_forced"] = gate?.Forced,
                ["gate_reason"] = gate?.Reason,
                ["gate_searches"] = gate?.Searches,
                ["gate_rank1_active"] = gate?.Active.Rank1,
                ["gate_rank1_candidate"] = gate?.Candidate.Rank1,
                ["gate_fnir_active"] = gate?.Active.FnirAtTarget,
                ["gate_fnir_candidate"] = gate?.Candidate.FnirAtTarget,
                ["gate_threshold_source_candidate"] = gate is null ? null : GalleryJson.ToNode(gate.Candidate.ThresholdSource),
                ["identify_calls"] = before.Calls + duringPhase.Calls + (after?.Calls ?? 0) + (afterRollback?.Calls ?? 0),
                ["failed_calls"] = before.Failed + duringPhase.Failed + (after?.Failed ?? 0) + (afterRollback?.Failed ?? 0),
                ["retried_calls"] = before.Retried + duringPhase.Retried + (after?.Retried ?? 0) + (afterRollback?.Retried ?? 0),
                ["in_flight"] = parse.GetValue(inFlight),
                ["p50_ms_before"] = before.Percentile(0.50),
                ["p99_ms_before"] = before.Percentile(0.99),
                ["p50_ms_during"] = duringPhase.Percentile(0.50),
                ["p99_ms_during"] = duringPhase.Percentile(0.99),
                ["p50_ms_after"] = after?.Percentile(0.50),
                ["p99_ms_after"] = after?.Percentile(0.99),
                ["calls_during"] = duringPhase.Calls,
                ["answers_by_version_during"] = new JsonObject(duringPhase.Versions.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
                ["migration_seconds"] = ((migration.FinishedUtc ?? DateTimeOffset.UtcNow) - migration.StartedUtc).TotalSeconds,
                ["wall_seconds"] = clock.Elapsed.TotalSeconds,
                ["reembedded_identities"] = migration.Reembedded,
                ["migration_failures"] = migration.FailureCount,
                ["enrolled_identities"] = enrolment.EnrolledIdentities.Count,
                ["enrolled_found_under_new_version"] = flipped ? foundUnderNew : null,
                ["rank1_before"] = Rank1(before),
                ["rank1_after"] = Rank1(after),
                ["rank1_after_rollback"] = Rank1(afterRollback),
                ["versions_after"] = after is null ? null : new JsonObject(after.Versions.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
                ["versions_after_rollback"] = afterRollback is null ? null : new JsonObject(afterRollback.Versions.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
            };
            output.Result(payload, console =>
            {
                var table = new Table().AddColumns("bench swap", "value");
                foreach (var (key, value) in payload)
                {
                    table.AddRow(Markup.Escape(key), Markup.Escape(value?.ToJsonString() ?? "null"));
                }

                console.Write(table);
            });
            return flipped ? 0 : 1;
        });
        return command;
    }

    /// <summary>
    /// A cluster call retried through a silo's death (backing off up to 2 s) for up to <see cref="RetryFor"/>; a refused
    /// request (<see cref="ArgumentException"/>) or a cancellation is not retried. <paramref name="onRetry"/> counts the retries.
    /// </summary>
    public static async Task<T> Retrying<T>(Func<Task<T>> call, Action? onRetry = null)
    {
        var clock = Stopwatch.StartNew();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (Exception e) when (e is not OperationCanceledException and not ArgumentException && clock.Elapsed < RetryFor)
            {
                onRetry?.Invoke();
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(2000, 250 * attempt)));
            }
        }
    }

    /// <summary>What one phase's calls gave: latencies, failures, answers (a pass) and the versions that answered.</summary>
    private sealed class Phase
    {
        public ConcurrentBag<double> Latencies { get; } = [];

        public ConcurrentDictionary<string, int> Versions { get; } = new(StringComparer.Ordinal);

        public ProbeAnswer[]? Answers { get; init; }

        public int Calls => Latencies.Count + failed;

        public int Failed => failed;

        public int Retried => retried;

        private int failed;
        private int retried;

        public void Fail() => Interlocked.Increment(ref failed);

        public void Retry() => Interlocked.Increment(ref retried);

        public double? Percentile(double p)
        {
            var sorted = Latencies.Order().ToArray();
            return sorted.Length == 0 ? null : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
        }
    }

    /// <summary>Identify calls, one probe photo each, <c>inFlight</c> at a time.</summary>
    private sealed class Load(IGrainFactory grains, IReadOnlyList<string> probes, int inFlight, IdentifyOptions options)
    {
        private readonly byte[][] images = probes.Select(File.ReadAllBytes).ToArray();

        /// <summary>Every probe once.</summary>
        public async Task<Phase> PassAsync(string title, CommandOutput output, CancellationToken cancellationToken)
        {
            var phase = new Phase { Answers = new ProbeAnswer[images.Length] };
            await output.WithProgressAsync(title, async progress =>
            {
                var done = 0;
                await Parallel.ForEachAsync(Enumerable.Range(0, images.Length), new ParallelOptions { MaxDegreeOfParallelism = inFlight, CancellationToken = cancellationToken }, async (i, _) =>
                {
                    phase.Answers[i] = await CallAsync(i, phase) ?? new ProbeAnswer(i, null, [], null, "", new ProbeRejection(FaceStatus.NoFace, "the call failed"));
                    progress(Interlocked.Increment(ref done), images.Length);
                });
            });
            return phase;
        }

        /// <summary>Calls in a loop over the probes until stopped.</summary>
        public Task<Phase> RunUntil(CancellationToken cancellationToken, out Action stop)
        {
            var phase = new Phase();
            var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            stop = stopping.Cancel;
            var next = -1;
            var workers = Enumerable.Range(0, inFlight).Select(_ => Task.Run(async () =>
            {
                while (!stopping.IsCancellationRequested)
                {
                    await CallAsync(Interlocked.Increment(ref next) % images.Length, phase);
                }
            }));
            return Task.WhenAll(workers).ContinueWith(_ => phase, TaskScheduler.Default);
        }

        private async Task<ProbeAnswer?> CallAsync(int i, Phase phase)
        {
            var clock = Stopwatch.StartNew();
            try
            {
                var answer = (await Retrying(() => grains.GetGrain<IMatcherGrain>(0).IdentifyAsync([new FaceImage(images[i], Path.GetFileName(probes[i]))], options), phase.Retry))[0];
                phase.Latencies.Add(clock.Elapsed.TotalMilliseconds);
                phase.Versions.AddOrUpdate(answer.ModelVersion.Length > 12 ? answer.ModelVersion[..12] : answer.ModelVersion, 1, (_, n) => n + 1);
                return answer with { ProbeIndex = i };
            }
            catch (Exception e) when (e is not OperationCanceledException and not ArgumentException)
            {
                phase.Fail(); // failed for RetryFor: counted, never hidden
                return null;
            }
        }
    }
}
