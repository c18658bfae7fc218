using System.Diagnostics;
using FaceGrains.Grains.Interfaces;
using FaceGrains.Recognition.Calibration;
using FaceGrains.Recognition.Similarity;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace FaceGrains.Grains;

/// <summary>
/// Identification and verification. A stateless worker (a local pool on every silo, no state to keep consistent);
/// reentrant because it spends its time awaiting shards and the embedder, and other probes may use that time.
/// </summary>
[StatelessWorker]
[Reentrant]
public sealed class MatcherGrain(ModelCatalog catalog, ModelRegistryCache registry, IdentifyLatency latency, GalleryMetrics metrics, ShardSearchBatcher searches, IOptions<GalleryOptions> options) : Grain, IMatcherGrain
{
    /// <summary>How long an activation reuses the gallery calibration it read before asking again.</summary>
    private static readonly TimeSpan CalibrationReuse = TimeSpan.FromSeconds(5);

    private readonly GalleryOptions options = options.Value;
    private (GalleryCalibration? Calibration, DateTime ReadUtc) calibration = (null, DateTime.MinValue);

    public Task<IReadOnlyList<ProbeAnswer>> IdentifyAsync(IReadOnlyList<FaceImage> probes, IdentifyOptions? identifyOptions = null) =>
        MeasuredAsync(() => IdentifyPhotosAsync(probes, identifyOptions));

    public Task<IReadOnlyList<ProbeAnswer>> IdentifyEmbeddingsAsync(ProbeBatch probes, IdentifyOptions? identifyOptions = null) =>
        MeasuredAsync(() => IdentifyRowsAsync(probes, identifyOptions));

    private async Task<IReadOnlyList<ProbeAnswer>> IdentifyPhotosAsync(IReadOnlyList<FaceImage> probes, IdentifyOptions? identifyOptions)
    {
        ArgumentNullException.ThrowIfNull(probes);

        // One version for the whole request, resolved once: its answer never mixes versions, whatever flips meanwhile.
        var version = await registry.ActiveAsync();
        var embedded = await GrainFactory.GetGrain<IEmbedderGrain>(0).EmbedAsync(probes, FacePurpose.Identify, identifyOptions?.Aligned ?? false, version);
        var photos = embedded.Photos;
        var dim = embedded.Dimension;
        var faces = photos.SelectMany(p => p.Faces).ToList();
        var rows = new float[faces.Count * dim];
        for (var r = 0; r < faces.Count; r++)
        {
            faces[r].Embedding.CopyTo(rows, r * dim);
        }

        var (candidates, threshold) = await SearchAsync(embedded.ModelVersion, new ProbeBatch(rows, faces.Count, dim), identifyOptions);
        var answers = new ProbeAnswer[photos.Count];
        var row = 0;
        for (var i = 0; i < photos.Count; i++)
        {
            var photo = photos[i];
            var fileName = probes[i]?.FileName;
            if (photo.Rejection is not null)
            {
                answers[i] = new ProbeAnswer(i, fileName, [], null, embedded.ModelVersion, photo.Rejection);
                continue;
            }

            var perFace = candidates.Skip(row).Take(photo.Faces.Count).ToList();
            answers[i] = new ProbeAnswer(i, fileName, Decide(perFace, threshold.Threshold, photo.Faces.Select(f => f.Location).ToList()), threshold, embedded.ModelVersion);
            row += photo.Faces.Count;
        }

        return answers;
    }

    private async Task<IReadOnlyList<ProbeAnswer>> IdentifyRowsAsync(ProbeBatch probes, IdentifyOptions? identifyOptions)
    {
        ArgumentNullException.ThrowIfNull(probes);
        var version = await registry.ActiveAsync();
        var (candidates, threshold) = await SearchAsync(version, probes, identifyOptions);

        // Each row is its own probe: no one-to-one assignment across rows.
        return candidates.Select((list, p) => new ProbeAnswer(p, null, Decide([list], threshold.Threshold, [null]), threshold, version)).ToList();
    }

    /// <summary>An identify call timed for the migration's throttle and the metrics, with its faces counted by decision.</summary>
    private async Task<IReadOnlyList<ProbeAnswer>> MeasuredAsync(Func<Task<IReadOnlyList<ProbeAnswer>>> identify)
    {
        var clock = Stopwatch.StartNew();
        IReadOnlyList<ProbeAnswer> answers;
        try
        {
            answers = await identify();
        }
        catch
        {
            metrics.Identified(clock.Elapsed, 0, 0, failed: true);
            throw;
        }

        latency.Record(clock.Elapsed);
        var faces = answers.SelectMany(a => a.Faces).ToList();
        var identified = faces.Count(f => f.Decision == IdentifyDecision.Identified);
        metrics.Identified(clock.Elapsed, identified, faces.Count - identified, failed: false);
        return answers;
    }

    public async Task<VerificationAnswer> VerifyAsync(VerifyRequest request)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            var answer = await VerifyOnceAsync(request);
            metrics.Verified(clock.Elapsed, answer.Match, failed: false);
            return answer;
        }
        catch
        {
            metrics.Verified(clock.Elapsed, null, failed: true);
            throw;
        }
    }

    private async Task<VerificationAnswer> VerifyOnceAsync(VerifyRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.Probe);
        if ((request.Other is null) == string.IsNullOrEmpty(request.IdentityId))
        {
            throw new ArgumentException("Verify a probe against either a second image or an identity, exactly one of them.", nameof(request));
        }

        var model = await catalog.GetAsync(await registry.ActiveAsync());
        var threshold = ThresholdPolicy.ForVerification(request.Threshold, options.VerificationTargetFmr, ThresholdPolicy.Calibrations.Of(model, await GalleryCalibrationAsync(model.Id, null)));
        var images = request.Other is null ? new[] { request.Probe } : [request.Probe, request.Other];
        var embedded = await GrainFactory.GetGrain<IEmbedderGrain>(0).EmbedAsync(images, FacePurpose.Verify, request.Aligned, model.Id);
        var probe = embedded.Photos[0];
        var probeFace = probe.Faces.FirstOrDefault();
        float[]? other;
        EmbeddedPhoto? otherPhoto = null;
        bool? identityFound = null;
        if (request.Other is not null)
        {
            otherPhoto = embedded.Photos[1];
            other = otherPhoto.Faces.FirstOrDefault()?.Embedding;
        }
        else
        {
            var centroid = await GrainFactory.GetGrain<IIdentityGrain>(request.IdentityId!).GetCentroidAsync(embedded.ModelVersion);
            identityFound = centroid is not null;
            other = centroid?.Centroid;
        }

        var otherFace = otherPhoto?.Faces.FirstOrDefault();
        if (probeFace is null || other is null)
        {
            return new VerificationAnswer(null, null, threshold, embedded.ModelVersion, probe.Rejection, otherPhoto?.Rejection, identityFound,
                probeFace?.Location, otherFace?.Location, probe.OtherFaces.Count, otherPhoto?.OtherFaces.Count ?? 0);
        }

        var score = VectorMath.Dot(probeFace.Embedding, other);
        return new VerificationAnswer(score >= threshold.Threshold, score, threshold, embedded.ModelVersion, null, null, identityFound,
            probeFace.Location, otherFace?.Location, probe.OtherFaces.Count, otherPhoto?.OtherFaces.Count ?? 0);
    }

    /// <summary>The best <paramref name="k"/> over every shard's list: score descending, ties by identity id (deterministic).</summary>
    internal static IReadOnlyList<Candidate> Merge(IEnumerable<IReadOnlyList<Candidate>> lists, int k) =>
        lists.SelectMany(l => l).OrderByDescending(c => c.Score).ThenBy(c => c.IdentityId, StringComparer.Ordinal).Take(k).ToList();

    /// <summary>
    /// The faces of one photo decided together: each face's candidates at or above the threshold, assigned one-to-one
    /// (<see cref="FaceAssignment"/>), so one identity answers at most one face of the photo.
    /// </summary>
    internal static IReadOnlyList<FaceAnswer> Decide(IReadOnlyList<IReadOnlyList<Candidate>> candidates, double threshold, IReadOnlyList<FaceLocation?> locations)
    {
        var eligible = candidates.Select(list => (IReadOnlyList<(string, float)>)list.Where(c => c.Score >= threshold).Select(c => (c.IdentityId, c.Score)).ToList()).ToList();
        var assigned = FaceAssignment.Assign(eligible);
        return candidates.Select((list, f) =>
        {
            if (assigned[f] < 0)
            {
                return new FaceAnswer(f, locations[f], IdentifyDecision.NoCorrespondence, null, list.Count > 0 ? list[0].Score : null, list);
            }

            var (identity, score) = eligible[f][assigned[f]];
            return new FaceAnswer(f, locations[f], IdentifyDecision.Identified, identity, score, list);
        }).ToList();
    }

    /// <summary>Every shard of <paramref name="modelVersion"/> searched for every row; the merged top-k per row and the threshold at the gallery's size.</summary>
    private async Task<(IReadOnlyList<IReadOnlyList<Candidate>> Candidates, AppliedThreshold Threshold)> SearchAsync(string modelVersion, ProbeBatch probes, IdentifyOptions? identifyOptions)
    {
        var model = await catalog.GetAsync(modelVersion);

        var dim = model.Dimension;
        if (probes.Dimension != dim || probes.Embeddings.Length != probes.Count * dim)
        {
            throw new ArgumentException($"Expected {probes.Count} probes of {dim} values (model {model.Version.ShortId}); got dimension {probes.Dimension} and {probes.Embeddings.Length} values.", nameof(probes));
        }

        var k = identifyOptions?.CandidateCount ?? options.CandidateCount;
        if (k < 1 || k > options.MaxCandidateCount)
        {
            throw new ArgumentException($"Candidate count {k} must be between 1 and {options.MaxCandidateCount}.", nameof(identifyOptions));
        }

        var normalized = probes.Embeddings.ToArray();
        for (var p = 0; p < probes.Count; p++)
        {
            VectorMath.L2Normalize(normalized.AsSpan(p * dim, dim));
        }

        var batch = probes with { Embeddings = normalized };
        // Joined with the other identify calls on this silo into one search per shard when they arrive together.
        var shards = await searches.SearchAsync(GrainFactory, model.Id, batch, k);
        var gallerySize = shards.Sum(s => s.IdentityCount);
        var gallery = await GalleryCalibrationAsync(model.Id, gallerySize);
        var calibrations = ThresholdPolicy.Calibrations.Of(model, gallery);
        var threshold = ThresholdPolicy.ForIdentification(identifyOptions?.Threshold, gallerySize, options.DefaultTargetFpir, calibrations);
        var merged = Enumerable.Range(0, probes.Count).Select(p => Merge(shards.Select(s => s.Candidates[p]), k)).ToList();
        RecordTopScores(merged, threshold, calibrations.TopImpostors());
        return (merged, threshold);
    }

    /// <summary>Every searched face's best score into the histogram and, where a calibration stands behind the threshold, into the drift window.</summary>
    private void RecordTopScores(IReadOnlyList<IReadOnlyList<Candidate>> merged, AppliedThreshold threshold, TopImpostorReference? reference)
    {
        foreach (var list in merged)
        {
            if (list.Count == 0)
            {
                continue;
            }

            metrics.TopScore(list[0].Score);
            if (reference is not null)
            {
                metrics.Drift.Record(list[0].Score, threshold.Threshold, threshold.ExpectedFpir, threshold.GallerySize, reference);
            }
        }
    }

    /// <summary>
    /// The gallery's own calibration (read at most every few seconds per activation), nudging it to measure again when
    /// the gallery's size has moved by more than a tenth since its last measurement.
    /// </summary>
    private async Task<GalleryCalibration?> GalleryCalibrationAsync(string modelVersion, int? gallerySize)
    {
        var grain = GrainFactory.GetGrain<IGalleryCalibrationGrain>(modelVersion);
        if (DateTime.UtcNow - calibration.ReadUtc > CalibrationReuse || calibration.Calibration?.ModelVersion != modelVersion)
        {
            calibration = (await grain.GetAsync(), DateTime.UtcNow);
            var measured = calibration.Calibration?.GallerySize ?? 0;
            if (gallerySize is { } n && n >= 2 && Math.Abs(n - measured) > Math.Max(1, measured / 10))
            {
                await grain.NudgeAsync(n);
            }
        }

        return calibration.Calibration;
    }
}
