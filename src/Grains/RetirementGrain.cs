using FaceGrains.Grains.Interfaces;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FaceGrains.Grains;

/// <summary>
/// Drops a retired version's derived data, a directory partition at a time (cursor persisted after each), then its
/// shards and gallery calibration. Each silo's <see cref="ModelCatalog"/> unloads the version when its watchdog sees it
/// retired. A background loop in the grain; <see cref="EnsureRunningAsync"/> restarts it after a silo loss.
/// </summary>
public sealed class RetirementGrain(
    [PersistentState("retirement", GalleryStorage.ProviderName)] IPersistentState<RetirementState> state,
    IOptions<GalleryOptions> options,
    ILogger<RetirementGrain> logger) : Grain, IRetirementGrain
{
    private const int Concurrency = 16;
    private Task? running;

    private string Version => this.GetPrimaryKeyString();

    public async Task StartAsync()
    {
        state.State = new RetirementState { Started = true };
        await state.WriteStateAsync();
        Run();
    }

    public Task EnsureRunningAsync()
    {
        if (state.State is { Started: true, Done: false })
        {
            Run();
        }

        return Task.CompletedTask;
    }

    public Task<bool> IsDoneAsync() => Task.FromResult(!state.State.Started || state.State.Done);

    private void Run()
    {
        if (running is null || running.IsCompleted)
        {
            running = RunAsync();
        }
    }

    private async Task RunAsync()
    {
        try
        {
            for (var p = state.State.NextPartition; p < GalleryPartitioning.DirectoryPartitions; p++)
            {
                var members = await GrainFactory.GetGrain<IIdentityDirectoryGrain>(p).ListAsync();
                foreach (var chunk in members.Chunk(Concurrency))
                {
                    await Task.WhenAll(chunk.Select(m => GrainFactory.GetGrain<IIdentityGrain>(m.Id).DropVersionAsync(Version)));
                }

                state.State.NextPartition = p + 1;
                if (members.Count > 0 || p % 64 == 63)
                {
                    await state.WriteStateAsync();
                }
            }

            await Task.WhenAll(Enumerable.Range(0, options.Value.ShardCount)
                .Select(s => GrainFactory.GetGrain<IGalleryShardGrain>(GalleryPartitioning.ShardKey(Version, s)).ClearAsync()));
            await GrainFactory.GetGrain<IGalleryCalibrationGrain>(Version).ClearAsync();
            state.State.Done = true;
            await state.WriteStateAsync();
            logger.LogInformation("Model version {Version}: every embedding, shard row and calibration dropped", Version);
        }
        catch (Exception e) when (e is TimeoutException or OrleansException)
        {
            // A silo or storage hiccup: the watchdog's next poke continues from the cursor.
            logger.LogWarning(e, "Retiring model version {Version} paused at partition {Partition}", Version, state.State.NextPartition);
        }
    }
}

/// <summary>Durable state of a retirement: where it is.</summary>
[GenerateSerializer, Alias("facegrains.retirement-state")]
public sealed class RetirementState
{
    [Id(0)] public bool Started { get; set; }

    [Id(1)] public int NextPartition { get; set; }

    [Id(2)] public bool Done { get; set; }
}
