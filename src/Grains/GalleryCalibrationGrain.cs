using FaceGrains.Grains.Interfaces;
using FaceGrains.Recognition.Calibration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace FaceGrains.Grains;

/// <summary>
/// A gallery's self-calibration for one model version (key: the version id). A measurement takes the enrolled faces of
/// the gallery's identities (all of them, or a seeded sample within <see cref="ScoreBudget"/> comparisons), has every
/// shard score them against its identities other than their own, and keeps the merged tail. Reentrant, so readers are
/// never held up by a measurement in progress; turns interleave only at awaits and one measurement runs at a time.
/// </summary>
[Reentrant]
public sealed class GalleryCalibrationGrain(
    [PersistentState("gallery-calibration", GalleryStorage.ProviderName)] IPersistentState<GalleryCalibrationState> state,
    IOptions<GalleryOptions> options,
    ILogger<GalleryCalibrationGrain> logger) : Grain, IGalleryCalibrationGrain
{
    /// <summary>
    /// Most face-against-identity comparisons one measurement makes (a few seconds of SIMD scans spread over the shards).
    /// At 100,000 identities that is 500 faces: FMR resolved to about 5e-7; lower FMRs come from the modelled tail.
    /// </summary>
    public const long ScoreBudget = 50_000_000;

    /// <summary>Faces sent to a shard per call.</summary>
    private const int FacesPerCall = 2048;

    /// <summary>Identities read at once while gathering faces.</summary>
    private const int ReadConcurrency = 64;

    private readonly GalleryOptions options = options.Value;
    private Task<GalleryCalibration?>? measuring;

    private string ModelVersion => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.Calibration is { } stored && !HasUsableTail(stored))
        {
            // Stored before a fix (a tail that ended in an FMR-0 point): every reader would refuse it, so measure again.
            logger.LogWarning("Gallery calibration of {Version} has a tail that cannot be read; measuring it again", ModelVersion);
            state.State.Calibration = null;
            _ = Measuring();
        }

        return Task.CompletedTask;
    }

    public Task<GalleryCalibration?> GetAsync() => Task.FromResult(state.State.Calibration);

    public Task<GalleryCalibration?> RefreshAsync() => Measuring();

    public async Task ClearAsync()
    {
        await state.ClearStateAsync();
        state.State = new GalleryCalibrationState();
    }

    public Task NudgeAsync(int gallerySize)
    {
        var measured = state.State.Calibration?.GallerySize ?? 0;
        if (gallerySize >= 2 && Math.Abs(gallerySize - measured) > Math.Max(1, measured / 10))
        {
            _ = Measuring();
        }

        return Task.CompletedTask;
    }

    private static bool HasUsableTail(GalleryCalibration calibration)
    {
        try
        {
            _ = ThresholdPolicy.TailModelOf(calibration, shipped: null);
            return true;
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }

    /// <summary>The measurement under way, or a new one.</summary>
    private Task<GalleryCalibration?> Measuring()
    {
        if (measuring is null || measuring.IsCompleted)
        {
            measuring = MeasureAndStoreAsync();
        }

        return measuring;
    }

    private async Task<GalleryCalibration?> MeasureAndStoreAsync()
    {
        try
        {
            var measured = await MeasureAsync();
            if (measured is not null)
            {
                state.State.Calibration = measured;
                await state.WriteStateAsync();
                logger.LogInformation(
                    "Gallery calibration of {Version}: {Scores} impostor scores from {Faces} faces of {Identities} of {GallerySize} identities",
                    ModelVersion, measured.ImpostorScores, measured.SampledFaces, measured.SampledIdentities, measured.GallerySize);
            }

            return measured ?? state.State.Calibration;
        }
        catch (Exception e) when (e is TimeoutException or OrleansException)
        {
            // A silo or storage hiccup: keep the last measurement; the next nudge measures again.
            logger.LogWarning(e, "Gallery calibration of {Version} failed; keeping the previous one", ModelVersion);
            return state.State.Calibration;
        }
    }

    private async Task<GalleryCalibration?> MeasureAsync()
    {
        // Every identity listed in the directory, in a seeded order, so repeated measurements of an unchanged gallery agree.
        var ids = (await IdentityDirectory.ListAllAsync(GrainFactory)).Select(s => s.Id).ToArray();
        if (ids.Length < 2)
        {
            return null;
        }

        new Random(StableSeed(ModelVersion)).Shuffle(ids);
        var faces = new List<float>();
        var owners = new List<string>();
        var sampled = 0;
        var dimension = 0;
        foreach (var chunk in ids.Chunk(ReadConcurrency))
        {
            if ((long)owners.Count * ids.Length >= ScoreBudget)
            {
                break;
            }

            var entries = await Task.WhenAll(chunk.Select(id => GrainFactory.GetGrain<IIdentityGrain>(id).GetCentroidAsync(ModelVersion)));
            foreach (var entry in entries.OfType<IdentityCentroid>())
            {
                dimension = entry.Centroid.Length;
                if (entry.FaceCount == 0 || entry.FaceEmbeddings.Length != entry.FaceCount * dimension)
                {
                    continue;
                }

                faces.AddRange(entry.FaceEmbeddings);
                owners.AddRange(Enumerable.Repeat(entry.IdentityId, entry.FaceCount));
                sampled++;
            }
        }

        if (owners.Count == 0)
        {
            return null;
        }

        var all = faces.ToArray();
        var histogram = new long[ImpostorCalibration.BinCount];
        var tops = Enumerable.Repeat(float.NegativeInfinity, owners.Count).ToArray();
        long total = 0;
        var identities = 0;
        for (var shard = 0; shard < options.ShardCount; shard++)
        {
            var grain = GrainFactory.GetGrain<IGalleryShardGrain>(GalleryPartitioning.ShardKey(ModelVersion, shard));
            for (var start = 0; start < owners.Count; start += FacesPerCall)
            {
                var count = Math.Min(FacesPerCall, owners.Count - start);
                var batch = new ProbeBatch(all.AsSpan(start * dimension, count * dimension).ToArray(), count, dimension);
                var part = await grain.ScoreImpostorsAsync(batch, owners.GetRange(start, count));
                for (var i = 0; i < part.Bins.Length; i++)
                {
                    histogram[part.Bins[i]] += part.Counts[i];
                }

                for (var i = 0; i < (part.TopScores?.Length ?? 0); i++)
                {
                    tops[start + i] = Math.Max(tops[start + i], part.TopScores![i]);
                }

                total += part.Total;
                if (start == 0)
                {
                    identities += part.Identities;
                }
            }
        }

        if (total < 1)
        {
            return null;
        }

        var points = ImpostorCalibration.TailPoints(histogram, total);
        return new GalleryCalibration(ModelVersion, identities, sampled, owners.Count, total,
            points.Select(p => p.Score).ToArray(), points.Select(p => p.Fmr).ToArray(), DateTimeOffset.UtcNow,
            TopImpostorReference.QuantilesOf(tops.Where(float.IsFinite).ToArray()));
    }

    private static int StableSeed(string text)
    {
        var hash = 17;
        foreach (var c in text)
        {
            hash = unchecked((hash * 31) + c);
        }

        return hash;
    }
}
