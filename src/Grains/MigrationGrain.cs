using System.Diagnostics;
using FaceGrains.Grains.Interfaces;
using FaceGrains.Recognition.Similarity;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FaceGrains.Grains;

/// <summary>
/// Migrates the gallery to a candidate version (key: the candidate's id), as a background loop in the grain:
/// <list type="number">
/// <item>re-embed every identity from its stored images (<see cref="IIdentityGrain.ReembedAsync"/>, idempotent), a
/// directory partition at a time, the cursor persisted after each, a few identities at once, backing off while this
/// silo's identify p99 is above <see cref="GalleryOptions.MigrationLatencyBudget"/> × its level before the start;</item>
/// <item>catch up the identities changed since the start (silos learn of the candidate within a second, so an enrolment
/// in that second may have missed it);</item>
/// <item>gate (<see cref="GateMeasure"/>) and report to the registry, which flips.</item>
/// </list>
/// Enrolments, face removals and forgets meanwhile are applied under both versions by the identity grains themselves.
/// <see cref="EnsureRunningAsync"/> (every silo's <see cref="MigrationWatchdog"/>) restarts the loop after a silo loss.
/// </summary>
public sealed class MigrationGrain(
    [PersistentState("migration", GalleryStorage.ProviderName)] IPersistentState<MigrationState> state,
    ModelCatalog catalog,
    IdentifyLatency latency,
    IOptions<GalleryOptions> options,
    ILogger<MigrationGrain> logger) : Grain, IMigrationGrain
{
    /// <summary>Most identities with two or more faces the gate searches with (a seeded sample beyond it).</summary>
    public const int GateMaxIdentities = 2000;

    private const int MaxFailuresKept = 20;
    private const int Attempts = 5;

    private readonly GalleryOptions options = options.Value;
    private Task? running;
    private CancellationTokenSource cancel = new();

    private string To => this.GetPrimaryKeyString();

    private MigrationStatus Status
    {
        get => state.State.Status!;
        set => state.State.Status = value;
    }

    public async Task StartAsync(string from, bool force, GateFigures? folderActive, GateFigures? folderCandidate)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(from);
        await StopAsync();
        state.State = new MigrationState
        {
            Status = new MigrationStatus(from, To, MigrationPhase.Reembedding, DateTimeOffset.UtcNow, null, 0, 0, 0, 0, [], 0, force, "starting"),
            FolderActive = folderActive,
            FolderCandidate = folderCandidate,
        };
        await state.WriteStateAsync();
        Run();
    }

    public async Task EnsureRunningAsync()
    {
        if (state.State.Status is { Phase: MigrationPhase.Reembedding or MigrationPhase.Gating } status && (running is null || running.IsCompleted))
        {
            // Not running here although it should: its silo went away, the cluster restarted, or a hiccup paused it.
            Status = status with { Resumes = status.Resumes + 1, Message = $"resumed at partition {state.State.NextPartition}: {status.Message}" };
            await state.WriteStateAsync();
            logger.LogWarning("Migration to {To} resumed at partition {Partition} ({Done} of {Total} identities done)", Short(To), state.State.NextPartition, status.Done, status.Total);
            Run();
        }
    }

    public async Task CancelAsync()
    {
        await StopAsync();
        if (state.State.Status is { Phase: MigrationPhase.Reembedding or MigrationPhase.Gating } status)
        {
            Status = status with { Phase = MigrationPhase.Failed, FinishedUtc = DateTimeOffset.UtcNow, Message = "cancelled; the active version is unchanged" };
            await state.WriteStateAsync();
        }
    }

    public Task<MigrationStatus?> GetStatusAsync() => Task.FromResult(state.State.Status);

    /// <summary>
    /// Stops the loop without waiting for it: it may be waiting on the registry, which may be the caller. The loop checks
    /// its token after every await before it touches the state, so a stopped loop changes nothing more.
    /// </summary>
    private async Task StopAsync()
    {
        await cancel.CancelAsync();
        cancel = new CancellationTokenSource();
        running = null;
    }

    private void Run()
    {
        if (running is null || running.IsCompleted)
        {
            // Long work in an idle-looking grain: keep the activation while it runs (the watchdog pokes it too).
            DelayDeactivation(TimeSpan.FromHours(12));
            running = RunAsync(cancel.Token);
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await catalog.GetAsync(To); // the candidate must load here before anything is embedded into it
            cancellationToken.ThrowIfCancellationRequested();
            Status = Status with { Silo = RuntimeIdentity };
            if (Status.Phase == MigrationPhase.Reembedding)
            {
                await ReembedAllAsync(cancellationToken);
                cancellationToken.ThrowIfCancellationRequested();
                Status = Status with { Phase = MigrationPhase.Gating, RatePerSecond = 0, Message = "gating: comparing the candidate with the active version on the gallery" };
                await SaveAndReportAsync(null);
            }

            var gate = await GateAsync(cancellationToken);
            cancellationToken.ThrowIfCancellationRequested();
            var flip = gate.Passed || gate.Forced;
            Status = Status with
            {
                Phase = flip ? MigrationPhase.Flipped : MigrationPhase.Refused,
                FinishedUtc = DateTimeOffset.UtcNow,
                Message = flip ? $"flipped: {gate.Reason}" : $"refused: {gate.Reason}",
            };
            await state.WriteStateAsync();
            await Registry.ReportMigrationAsync(Status, gate);
            logger.LogInformation("Migration to {To}: {Message}", Short(To), Status.Message);
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped: whoever stopped it records why.
        }
        catch (Exception e) when (e is TimeoutException or OrleansException)
        {
            // A silo or storage hiccup: the watchdog's next poke continues from the cursor.
            logger.LogWarning(e, "Migration to {To} paused at partition {Partition}; it resumes on the next watchdog poke", Short(To), state.State.NextPartition);
        }
        catch (Exception e)
        {
            // The candidate cannot be loaded (a wrong model file) or the gate cannot be measured: stop, say why.
            logger.LogError(e, "Migration to {To} failed", Short(To));
            Status = Status with { Phase = MigrationPhase.Failed, FinishedUtc = DateTimeOffset.UtcNow, Message = $"failed: {e.Message}" };
            await state.WriteStateAsync();
            await Registry.ReportMigrationAsync(Status, null);
        }
    }

    private async Task ReembedAllAsync(CancellationToken cancellationToken)
    {
        if (Status.Total == 0 && state.State.NextPartition == 0)
        {
            var total = (await IdentityDirectory.ListAllAsync(GrainFactory)).Count;
            cancellationToken.ThrowIfCancellationRequested();
            Status = Status with { Total = total, Message = $"re-embedding {total} identities" };
            await SaveAndReportAsync(null);
        }

        var throttle = new Throttle(options.MigrationConcurrency, options.MigrationLatencyBudget, latency);
        var rate = Stopwatch.StartNew();
        var doneAtRate = Status.Done;
        var lastReport = Stopwatch.StartNew();
        for (var p = state.State.NextPartition; p < GalleryPartitioning.DirectoryPartitions; p++)
        {
            var members = await GrainFactory.GetGrain<IIdentityDirectoryGrain>(p).ListAsync();
            var partition = new Counts();
            for (var at = 0; at < members.Count;)
            {
                cancellationToken.ThrowIfCancellationRequested();
                await throttle.WaitAsync(cancellationToken);
                var chunk = members.Skip(at).Take(throttle.Concurrency).ToList();
                await Task.WhenAll(chunk.Select(m => ReembedOneAsync(m.Id, partition, cancellationToken)));
                at += chunk.Count;
            }

            cancellationToken.ThrowIfCancellationRequested();

            // The partition's counts land with its cursor, in one write: a resumed migration redoes at most this partition and counts it once.
            state.State.NextPartition = p + 1;
            Status = partition.AddTo(Status);
            if (rate.Elapsed.TotalSeconds >= 5)
            {
                Status = Status with { RatePerSecond = (Status.Done - doneAtRate) / rate.Elapsed.TotalSeconds };
                (doneAtRate, rate) = (Status.Done, Stopwatch.StartNew());
            }

            if (members.Count > 0 || p % 64 == 63)
            {
                Status = Status with { Message = $"re-embedding: {Status.Done} of {Status.Total} identities (partition {p + 1} of {GalleryPartitioning.DirectoryPartitions}, {throttle.Concurrency} at once)" };
                await state.WriteStateAsync();
                if (lastReport.Elapsed.TotalSeconds >= 1)
                {
                    await Registry.ReportMigrationAsync(Status, null);
                    lastReport.Restart();
                }
            }
        }

        if (!state.State.CaughtUp)
        {
            // Identities changed since the start (less a margin for clocks and the registry cache), new ones included.
            var since = Status.StartedUtc - TimeSpan.FromSeconds(10);
            var changed = (await IdentityDirectory.ListAllAsync(GrainFactory)).Where(s => s.UpdatedUtc >= since).ToList();
            var caughtUp = new Counts();
            foreach (var chunk in changed.Chunk(options.MigrationConcurrency))
            {
                await Task.WhenAll(chunk.Select(m => ReembedOneAsync(m.Id, caughtUp, cancellationToken)));
            }

            cancellationToken.ThrowIfCancellationRequested();
            state.State.CaughtUp = true;
            Status = Status with
            {
                Failures = Status.Failures.Concat(caughtUp.Failures).DistinctBy(f => f.IdentityId).Take(MaxFailuresKept).ToList(),
                Message = $"re-embedded {Status.Reembedded} of {Status.Total} identities; {changed.Count} changed meanwhile checked again",
            };
            await SaveAndReportAsync(null);
        }
    }

    /// <summary>One identity, retried through silo losses (the identity grain moves to a live silo).</summary>
    private async Task ReembedOneAsync(string identityId, Counts counts, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var result = await GrainFactory.GetGrain<IIdentityGrain>(identityId).ReembedAsync(To);
                counts.Add(identityId, result);
                return;
            }
            catch (Exception e) when (e is TimeoutException or OrleansException && attempt < Attempts)
            {
                await Task.Delay(TimeSpan.FromSeconds(attempt), cancellationToken);
            }
            catch (ArgumentException e)
            {
                counts.Fail(identityId, e.Message);
                return;
            }
        }
    }

    private async Task<GateResult> GateAsync(CancellationToken cancellationToken)
    {
        var from = Status.From;
        var directory = await IdentityDirectory.ListAllAsync(GrainFactory);
        var withTwo = directory.Where(s => s.FaceCount >= 2).Select(s => s.Id).ToArray(); // in id order
        new Random(1).Shuffle(withTwo);
        var sample = withTwo.Take(GateMaxIdentities).ToList();

        // Each version's calibration as of now: the candidate's gallery calibration is measured on its fresh shards.
        await GrainFactory.GetGrain<IGalleryCalibrationGrain>(To).RefreshAsync();
        if (await GrainFactory.GetGrain<IGalleryCalibrationGrain>(from).GetAsync() is null)
        {
            await GrainFactory.GetGrain<IGalleryCalibrationGrain>(from).RefreshAsync();
        }

        cancellationToken.ThrowIfCancellationRequested();
        var (active, searches) = await FiguresAsync(from, sample, directory.Count);
        var (candidate, _) = await FiguresAsync(To, sample, directory.Count);
        var (passed, reason) = GateMeasure.Decide(active, candidate, state.State.FolderActive, state.State.FolderCandidate, searches, options.GateMargin);
        var forced = !passed && Status.Force;
        return new GateResult(passed, forced, forced ? $"forced past the gate: {reason}" : reason, searches, active, candidate,
            state.State.FolderActive, state.State.FolderCandidate, DateTimeOffset.UtcNow);
    }

    /// <summary>One version on the gallery: every face of the sampled identities held out and searched.</summary>
    private async Task<(GateFigures Figures, int Searches)> FiguresAsync(string version, IReadOnlyList<string> identities, int gallerySize)
    {
        var model = await catalog.GetAsync(version);
        var gallery = await GrainFactory.GetGrain<IGalleryCalibrationGrain>(version).GetAsync();
        var threshold = ThresholdPolicy.ForIdentification(null, gallerySize, options.DefaultTargetFpir, ThresholdPolicy.Calibrations.Of(model, gallery));
        var dim = model.Dimension;
        var probes = new List<float>();
        var owners = new List<string>();
        var genuine = new List<float>();
        foreach (var chunk in identities.Chunk(64))
        {
            var entries = await Task.WhenAll(chunk.Select(id => GrainFactory.GetGrain<IIdentityGrain>(id).GetCentroidAsync(version)));
            foreach (var entry in entries.OfType<IdentityCentroid>().Where(e => e.FaceCount >= 2 && e.FaceEmbeddings.Length == e.FaceCount * dim))
            {
                var faces = Enumerable.Range(0, entry.FaceCount).Select(f => entry.FaceEmbeddings.AsSpan(f * dim, dim).ToArray()).ToList();
                for (var f = 0; f < faces.Count; f++)
                {
                    var others = faces.Where((_, o) => o != f).ToList();

                    // Scored as the shards score an identity: its centroid, or its best face when they keep every face.
                    genuine.Add(options.StoreAllFaceEmbeddings
                        ? others.Max(o => VectorMath.Dot(faces[f], o))
                        : VectorMath.Dot(faces[f], VectorMath.Centroid(others, dim)));
                    probes.AddRange(faces[f]);
                    owners.Add(entry.IdentityId);
                }
            }
        }

        var searches = new List<GateMeasure.Search>();
        if (owners.Count > 0)
        {
            var batch = new ProbeBatch(probes.ToArray(), owners.Count, dim);
            var shards = await Task.WhenAll(Enumerable.Range(0, options.ShardCount)
                .Select(s => GrainFactory.GetGrain<IGalleryShardGrain>(GalleryPartitioning.ShardKey(version, s)).SearchAsync(batch, 2)));
            for (var p = 0; p < owners.Count; p++)
            {
                var best = shards.SelectMany(s => s.Candidates[p]).Where(c => c.IdentityId != owners[p]).Select(c => c.Score).DefaultIfEmpty(float.NegativeInfinity).Max();
                searches.Add(new GateMeasure.Search(genuine[p], best));
            }
        }

        var (rank1, fnir) = GateMeasure.Figures(searches, threshold.Threshold);
        return (new GateFigures(version, rank1, fnir, threshold.Threshold, threshold.Source), searches.Count);
    }

    private async Task SaveAndReportAsync(GateResult? gate)
    {
        await state.WriteStateAsync();
        await Registry.ReportMigrationAsync(Status, gate);
    }

    private IModelRegistryGrain Registry => GrainFactory.GetGrain<IModelRegistryGrain>(0);

    private static string Short(string id) => id.Length > 12 ? id[..12] : id;

    /// <summary>What a stretch of identities did (calls of one chunk complete on the grain's one thread, so no locks).</summary>
    private sealed class Counts
    {
        public int Done { get; private set; }

        public int Reembedded { get; private set; }

        public List<MigrationFailure> Failures { get; } = [];

        public int FailureCount { get; private set; }

        public void Add(string identityId, ReembedResult result)
        {
            Done++;
            if (!result.Exists)
            {
                return;
            }

            if (result.Embedded + result.AlreadyCovered > 0)
            {
                Reembedded++;
            }

            if (result.Failure is { } failure)
            {
                Fail(identityId, failure, countDone: false);
            }
        }

        public void Fail(string identityId, string reason, bool countDone = true)
        {
            Done += countDone ? 1 : 0;
            FailureCount++;
            if (Failures.Count < MaxFailuresKept)
            {
                Failures.Add(new MigrationFailure(identityId, reason));
            }
        }

        public MigrationStatus AddTo(MigrationStatus status) => status with
        {
            Done = status.Done + Done,
            Reembedded = status.Reembedded + Reembedded,
            FailureCount = status.FailureCount + FailureCount,
            Failures = status.Failures.Concat(Failures).Take(MaxFailuresKept).ToList(),
        };
    }

    /// <summary>
    /// How many identities at once, and how long to pause between chunks: halves the concurrency (then pauses longer)
    /// while identify p99 over the last seconds is above budget × its level before the migration, and grows it back below.
    /// No identify traffic, no brake.
    /// </summary>
    private sealed class Throttle(int max, double budget, IdentifyLatency latency)
    {
        private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);
        private readonly double? baseline = latency.P99(TimeSpan.FromMinutes(1));
        private TimeSpan pause = TimeSpan.Zero;

        public int Concurrency { get; private set; } = Math.Max(1, max);

        public async Task WaitAsync(CancellationToken cancellationToken)
        {
            var now = latency.P99(Window);
            if (baseline is { } before && now is { } current)
            {
                if (current > budget * before)
                {
                    if (Concurrency > 1)
                    {
                        Concurrency = Math.Max(1, Concurrency / 2);
                    }
                    else
                    {
                        pause = TimeSpan.FromMilliseconds(Math.Min(2000, Math.Max(50, pause.TotalMilliseconds * 2)));
                    }
                }
                else if (current < 0.8 * budget * before)
                {
                    if (pause > TimeSpan.Zero)
                    {
                        pause = pause.TotalMilliseconds <= 50 ? TimeSpan.Zero : pause / 2;
                    }
                    else
                    {
                        Concurrency = Math.Min(max, Concurrency + 1);
                    }
                }
            }

            if (pause > TimeSpan.Zero)
            {
                await Task.Delay(pause, cancellationToken);
            }
        }
    }
}
