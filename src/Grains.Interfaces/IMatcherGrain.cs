namespace FaceGrains.Grains.Interfaces;

/// <summary>
/// Open-set identification and verification (a stateless worker; address it with key 0). Fans probes out to every
/// shard of the active model version, merges their top-k and decides per probe at the calibrated threshold.
/// </summary>
[Alias("facegrains.IMatcherGrain")]
public interface IMatcherGrain : IGrainWithIntegerKey
{
    /// <summary>Embeds the probe images (bad ones come back as rejected answers) and identifies them; one answer per image, in order.</summary>
    [Alias("Identify")]
    Task<IReadOnlyList<IdentificationAnswer>> IdentifyAsync(IReadOnlyList<FaceImage> probes, IdentifyOptions? options = null);

    /// <summary>Identifies probes given as embeddings of the active model version (rows L2-normalised here).</summary>
    [Alias("IdentifyEmbeddings")]
    Task<IReadOnlyList<IdentificationAnswer>> IdentifyEmbeddingsAsync(ProbeBatch probes, IdentifyOptions? options = null);

    /// <summary>1:1: two images, or an image and an identity, at the calibrated pair threshold.</summary>
    [Alias("Verify")]
    Task<VerificationAnswer> VerifyAsync(VerifyRequest request);
}
