namespace FaceGrains.Grains.Interfaces;

/// <summary>
/// Open-set identification and verification (a stateless worker; address it with key 0). Fans the faces of the probes
/// out to every shard of the active model version, merges their top-k and decides per face at the calibrated threshold.
/// </summary>
[Alias("facegrains.IMatcherGrain")]
public interface IMatcherGrain : IGrainWithIntegerKey
{
    /// <summary>Embeds every face of the probe images and identifies each; one answer per image, in order (an unusable image gets a rejection).</summary>
    [Alias("Identify")]
    Task<IReadOnlyList<ProbeAnswer>> IdentifyAsync(IReadOnlyList<FaceImage> probes, IdentifyOptions? options = null);

    /// <summary>Identifies probes given as embeddings of the active model version (rows L2-normalised here): one answer per row, with one face.</summary>
    [Alias("IdentifyEmbeddings")]
    Task<IReadOnlyList<ProbeAnswer>> IdentifyEmbeddingsAsync(ProbeBatch probes, IdentifyOptions? options = null);

    /// <summary>1:1: two images, or an image and an identity, at the calibrated pair threshold.</summary>
    [Alias("Verify")]
    Task<VerificationAnswer> VerifyAsync(VerifyRequest request);
}
