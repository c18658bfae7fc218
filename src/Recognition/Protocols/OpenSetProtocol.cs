using FaceGrains.Recognition.Embedding;
using FaceGrains.Recognition.Evaluation;
using FaceGrains.Recognition.Preprocessing;
using FaceGrains.Recognition.Similarity;

namespace FaceGrains.Recognition.Protocols;

/// <summary>
/// Offline open-set identification: each known identity's gallery entry is the centroid (L2-normalised
/// mean of its enrolled embeddings); each probe is scored against every centroid by cosine and its
/// candidate list is the top <see cref="CandidateCount"/>.
/// </summary>
public static class OpenSetProtocol
{
    public const int CandidateCount = 20;

    /// <param name="prepare">Optional image → face step (alignment); see <see cref="ImageSetEmbedding.Embed"/>.</param>
    public static OpenSetReport Run(FaceEmbedder embedder, OpenSetSplit split, CropPolicy? crop, Action<int, int>? progress = null, Func<Images.RgbImage, Images.RgbImage?>? prepare = null)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        ArgumentNullException.ThrowIfNull(split);
        var paths = split.Known.SelectMany(k => k.Enrolled.Concat(k.Probes)).Concat(split.Unknown.SelectMany(u => u.Probes)).ToList();
        var row = paths.Select((p, i) => (p, i)).ToDictionary(x => x.p, x => x.i, StringComparer.Ordinal);
        var embeddings = ImageSetEmbedding.Embed(embedder, paths, crop, progress, prepare);
        var dim = embeddings.Dimension;
        bool Usable(string path) => !embeddings.Rejected.ContainsKey(row[path]);

        // Gallery: one centroid per known identity that has at least one readable enrolment image.
        var gallery = new List<float>();
        var galleryIds = new List<string>();
        var enrolled = 0;
        foreach (var (identity, images, _) in split.Known)
        {
            var centroid = new float[dim];
            var count = 0;
            foreach (var image in images.Where(Usable))
            {
                System.Numerics.Tensors.TensorPrimitives.Add(centroid, embeddings.Row(row[image]), centroid);
                count++;
            }

            if (count == 0)
            {
                continue;
            }

            VectorMath.L2Normalize(centroid);
            gallery.AddRange(centroid);
            galleryIds.Add(identity);
            enrolled += count;
        }

        var matrix = gallery.ToArray();
        var scores = new float[galleryIds.Count];
        IReadOnlyList<IdentificationCandidate> Search(string probe)
        {
            SimilarityKernels.ScoreAll(embeddings.Row(row[probe]), matrix, dim, scores);
            return TopK.Select(scores, CandidateCount).Select(c => new IdentificationCandidate(galleryIds[c.Index], c.Score)).ToList();
        }

        var enrolledIds = galleryIds.ToHashSet(StringComparer.Ordinal);
        var mated = split.Known
            .Where(k => enrolledIds.Contains(k.Identity))
            .SelectMany(k => k.Probes.Where(Usable).Select(p => new MatedSearch(k.Identity, Search(p))))
            .ToList();
        var nonMated = split.Unknown.SelectMany(u => u.Probes.Where(Usable).Select(p => new NonMatedSearch(Search(p)))).ToList();

        return new OpenSetReport(
            galleryIds.Count,
            split.Unknown.Count,
            enrolled,
            OpenSetMetrics.Compute(mated, nonMated),
            embeddings.Rejected.ToDictionary(kv => paths[kv.Key], kv => kv.Value));
    }
}
