using FaceGrains.Recognition.Datasets;

namespace FaceGrains.Recognition.Protocols;

/// <summary>
/// A seeded split of a folder dataset for open-set identification: known identities enrol K images and
/// probe with the rest (mated searches); unknown identities are never enrolled and probe with every image
/// (non-mated searches).
/// </summary>
public sealed record OpenSetSplit(
    IReadOnlyList<(string Identity, IReadOnlyList<string> Enrolled, IReadOnlyList<string> Probes)> Known,
    IReadOnlyList<(string Identity, IReadOnlyList<string> Probes)> Unknown)
{
    /// <param name="enrollPerIdentity">K: images enrolled per known identity.</param>
    /// <param name="unknownFraction">Share of the identities held out as unknown, in [0, 1).</param>
    public static OpenSetSplit Create(FolderDataset dataset, int enrollPerIdentity, double unknownFraction, int seed)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(enrollPerIdentity);
        if (!(unknownFraction >= 0 && unknownFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(unknownFraction), unknownFraction, "The unknown fraction must be in [0, 1).");
        }

        var random = new Random(seed);
        var identities = dataset.Identities.ToArray();
        random.Shuffle(identities);
        var unknownCount = (int)Math.Round(identities.Length * unknownFraction);
        var known = new List<(string, IReadOnlyList<string>, IReadOnlyList<string>)>();
        foreach (var identity in identities.Skip(unknownCount))
        {
            var images = identity.ImagePaths.ToArray();
            random.Shuffle(images);
            if (images.Length <= enrollPerIdentity)
            {
                throw new ArgumentException(
                    $"Identity '{identity.Name}' has {images.Length} images; enrolling {enrollPerIdentity} leaves none to probe. Raise --min-images above --enroll-per-identity.");
            }

            known.Add((identity.Name, images[..enrollPerIdentity], images[enrollPerIdentity..]));
        }

        var unknown = identities.Take(unknownCount).Select(i => (i.Name, i.ImagePaths)).ToList();
        return new OpenSetSplit(known, unknown);
    }
}
