using FaceGrains.Recognition.Similarity;
using System.Numerics.Tensors;
using FaceGrains.Trainer.Data;

namespace FaceGrains.Trainer.Training;

/// <summary>
/// Closed-set accuracy for losses without a classifier (triplet, contrastive, supervised contrastive): each
/// training identity's centroid is the mean of its faces' unit embeddings, and a face is classified as the
/// identity whose centroid has the highest cosine. Knows nothing of the model: embeddings and labels in, accuracy out.
/// </summary>
public static class NearestCentroid
{
    /// <summary>At most this many faces per identity form its centroid.</summary>
    public const int MaxFacesPerIdentity = 8;

    /// <summary>
    /// A seeded sample of the training faces to form centroids: up to <see cref="MaxFacesPerIdentity"/> per
    /// identity, fewer when that would pass <paramref name="maxImages"/>, never fewer than one, so every identity
    /// has a centroid and the cost stays near one validation pass.
    /// </summary>
    public static List<FaceSample> Sample(IReadOnlyList<FaceSample> train, int maxImages, int seed)
    {
        var byIdentity = train.GroupBy(s => s.Label).OrderBy(g => g.Key).ToList();
        if (byIdentity.Count == 0)
        {
            return [];
        }

        var perIdentity = Math.Clamp(maxImages / byIdentity.Count, 1, MaxFacesPerIdentity);
        return byIdentity
            .SelectMany(g => g
                .Select((s, i) => (s, key: Seeds.Mix(seed, g.Key, i)))
                .OrderBy(x => x.key)
                .Take(perIdentity)
                .Select(x => x.s))
            .OrderBy(s => s.Path, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Share of <paramref name="probes"/> whose nearest centroid (by cosine) is their own identity.</summary>
    public static double Accuracy(float[][] gallery, IReadOnlyList<int> galleryLabels, float[][] probes, IReadOnlyList<int> probeLabels)
    {
        ArgumentNullException.ThrowIfNull(gallery);
        ArgumentNullException.ThrowIfNull(galleryLabels);
        ArgumentNullException.ThrowIfNull(probes);
        ArgumentNullException.ThrowIfNull(probeLabels);
        if (gallery.Length != galleryLabels.Count || probes.Length != probeLabels.Count)
        {
            throw new ArgumentException("every embedding needs one label");
        }

        if (probes.Length == 0 || gallery.Length == 0)
        {
            return double.NaN;
        }

        // The gallery's centroid (Recognition's one definition), in the order the faces come.
        var groups = Enumerable.Range(0, gallery.Length).GroupBy(i => galleryLabels[i]).ToList();
        var labels = groups.Select(g => g.Key).ToArray();
        var unit = groups.Select(g => VectorMath.Centroid(g.Select(i => ValidationSet.Normalize(gallery[i])), gallery[g.First()].Length)).ToArray();
        var correct = 0;
        for (var p = 0; p < probes.Length; p++)
        {
            var probe = ValidationSet.Normalize(probes[p]);
            var best = 0;
            var bestCosine = float.NegativeInfinity;
            for (var c = 0; c < unit.Length; c++)
            {
                var cosine = TensorPrimitives.Dot(probe, unit[c]);
                if (cosine > bestCosine)
                {
                    (best, bestCosine) = (c, cosine);
                }
            }

            correct += labels[best] == probeLabels[p] ? 1 : 0;
        }

        return correct / (double)probes.Length;
    }
}
