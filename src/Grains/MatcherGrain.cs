using FaceGrains.Grains.Interfaces;
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
public sealed class MatcherGrain(ServingModel serving, IOptions<GalleryOptions> options) : Grain, IMatcherGrain
{
    private readonly GalleryOptions options = options.Value;

    public async Task<IReadOnlyList<IdentificationAnswer>> IdentifyAsync(IReadOnlyList<FaceImage> probes, IdentifyOptions? identifyOptions = null)
    {
        ArgumentNullException.ThrowIfNull(probes);
        var embedded = await GrainFactory.GetGrain<IEmbedderGrain>(0).EmbedAsync(probes);
        var usable = Enumerable.Range(0, probes.Count).Where(i => embedded.Faces[i].Embedding is not null).ToList();
        var batch = new ProbeBatch(usable.SelectMany(i => embedded.Faces[i].Embedding!).ToArray(), usable.Count, embedded.Dimension);
        var answers = await IdentifyEmbeddingsAsync(batch, identifyOptions);
        var result = new IdentificationAnswer[probes.Count];
        for (var k = 0; k < usable.Count; k++)
        {
            result[usable[k]] = answers[k] with { ProbeIndex = usable[k], FileName = probes[usable[k]]?.FileName };
        }

        for (var i = 0; i < probes.Count; i++)
        {
            result[i] ??= new IdentificationAnswer(i, probes[i]?.FileName, IdentifyDecision.Rejected, null, null, [], null, embedded.ModelVersion, embedded.Faces[i].Rejection);
        }

        return result;
    }

    public async Task<IReadOnlyList<IdentificationAnswer>> IdentifyEmbeddingsAsync(ProbeBatch probes, IdentifyOptions? identifyOptions = null)
    {
        ArgumentNullException.ThrowIfNull(probes);
        var model = await serving.GetAsync();
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
        var shards = await Task.WhenAll(Enumerable.Range(0, options.ShardCount)
            .Select(s => GrainFactory.GetGrain<IGalleryShardGrain>(GalleryPartitioning.ShardKey(model.Id, s)).SearchAsync(batch, k)));
        var gallerySize = shards.Sum(s => s.IdentityCount);
        var threshold = ThresholdPolicy.ForIdentification(identifyOptions?.Threshold, gallerySize, options.DefaultTargetFpir, model.Tail, model.Version.Manifest);

        var answers = new IdentificationAnswer[probes.Count];
        for (var p = 0; p < probes.Count; p++)
        {
            var merged = Merge(shards.Select(s => s.Candidates[p]), k);
            var best = merged.Count > 0 ? merged[0] : null;
            var identified = best is not null && best.Score >= threshold.Threshold;
            answers[p] = new IdentificationAnswer(
                p,
                null,
                identified ? IdentifyDecision.Identified : IdentifyDecision.NoCorrespondence,
                identified ? best!.IdentityId : null,
                best?.Score,
                merged,
                threshold,
                model.Id);
        }

        return answers;
    }

    public async Task<VerificationAnswer> VerifyAsync(VerifyRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.Probe);
        if ((request.Other is null) == string.IsNullOrEmpty(request.IdentityId))
        {
            throw new ArgumentException("Verify a probe against either a second image or an identity, exactly one of them.", nameof(request));
        }

        var model = await serving.GetAsync();
        var threshold = ThresholdPolicy.ForVerification(request.Threshold, options.VerificationTargetFmr, model.Tail, model.Version.Manifest);
        var images = request.Other is null ? new[] { request.Probe } : [request.Probe, request.Other];
        var embedded = await GrainFactory.GetGrain<IEmbedderGrain>(0).EmbedAsync(images);
        var probe = embedded.Faces[0];
        float[]? other;
        ProbeRejection? otherRejection = null;
        bool? identityFound = null;
        if (request.Other is not null)
        {
            other = embedded.Faces[1].Embedding;
            otherRejection = embedded.Faces[1].Rejection;
        }
        else
        {
            var centroid = await GrainFactory.GetGrain<IIdentityGrain>(request.IdentityId!).GetCentroidAsync(embedded.ModelVersion);
            identityFound = centroid is not null;
            other = centroid?.Centroid;
        }

        if (probe.Embedding is null || other is null)
        {
            return new VerificationAnswer(null, null, threshold, embedded.ModelVersion, probe.Rejection, otherRejection, identityFound);
        }

        var score = VectorMath.Dot(probe.Embedding, other);
        return new VerificationAnswer(score >= threshold.Threshold, score, threshold, embedded.ModelVersion, null, null, identityFound);
    }

    /// <summary>The best <paramref name="k"/> over every shard's list: score descending, ties by identity id (deterministic).</summary>
    internal static IReadOnlyList<Candidate> Merge(IEnumerable<IReadOnlyList<Candidate>> lists, int k) =>
        lists.SelectMany(l => l).OrderByDescending(c => c.Score).ThenBy(c => c.IdentityId, StringComparer.Ordinal).Take(k).ToList();
}
