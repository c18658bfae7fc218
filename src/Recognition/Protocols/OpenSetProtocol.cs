using FaceGrains.Recognition.Detection;
using FaceGrains.Recognition.Embedding;
using FaceGrains.Recognition.Evaluation;
using FaceGrains.Recognition.Similarity;

namespace FaceGrains.Recognition.Protocols;

/// <summary>
/// Offline open-set identification, computed as the gallery does it: every image prepared by the version's recipe
/// (the largest face; enrolment images through the enrolment quality gate), each known identity's gallery entry the
/// centroid of its enrolled embeddings (<see cref="VectorMath.Centroid"/>) kept in a <see cref="ShardMatrix"/> (the
/// gallery shard's own matrix, kernels and precision), each probe scored against every centroid by cosine, its
/// candidate list the top <see cref="CandidateCount"/>.
/// </summary>
public static class OpenSetProtocol
{
    public const int CandidateCount = 20;

    /// <param name="aligned">The images are face chips already (as the gallery's aligned=true): no detection.</param>
    /// <param name="precision">How the gallery's rows are stored, as a shard with that <c>ShardPrecision</c> keeps them.</param>
    public static OpenSetReport Run(FaceEmbedder embedder, FacePreparer preparer, OpenSetSplit split, bool aligned = false, Action<int, int>? progress = null, ShardPrecision precision = ShardPrecision.Float32)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        ArgumentNullException.ThrowIfNull(split);
        var paths = split.Known.SelectMany(k => k.Enrolled.Concat(k.Probes)).Concat(split.Unknown.SelectMany(u => u.Probes)).ToList();
        var row = paths.Select((p, i) => (p, i)).ToDictionary(x => x.p, x => x.i, StringComparer.Ordinal);
        var enrolled = split.Known.SelectMany(k => k.Enrolled).Select(p => row[p]).ToHashSet();
        var embeddings = ImageSetEmbedding.Embed(embedder, preparer, paths, FaceSelection.Largest, enrolled.Contains, aligned, progress);
        var dim = embeddings.Dimension;
        bool Usable(string path) => !embeddings.Rejected.ContainsKey(row[path]);

        // Gallery: one centroid per known identity that has at least one readable enrolment image.
        var gallery = new List<float>();
        var galleryIds = new List<string>();
        var enrolledFaces = new List<float>();
        var enrolledOwners = new List<int>();
        foreach (var (identity, images, _) in split.Known)
        {
            var faces = images.Where(Usable).Select(image => embeddings.Row(row[image]).ToArray()).ToList();
            if (faces.Count == 0)
            {
                continue;
            }

            gallery.AddRange(VectorMath.Centroid(faces, dim));
            foreach (var face in faces)
            {
                enrolledFaces.AddRange(face);
                enrolledOwners.Add(galleryIds.Count);
            }

            galleryIds.Add(identity);
        }

        // The gallery's shard; with a compact precision an exact one beside it, to compare every search's best score (what the threshold decides on).
        var matrix = gallery.ToArray();
        var shard = new ShardMatrix(dim, precision);
        var exact = precision == ShardPrecision.Float32 ? null : new ShardMatrix(dim);
        for (var i = 0; i < galleryIds.Count; i++)
        {
            shard.Upsert(galleryIds[i], matrix.AsSpan(i * dim, dim));
            exact?.Upsert(galleryIds[i], matrix.AsSpan(i * dim, dim));
        }

        var topScoreErrors = new List<double>();
        IReadOnlyList<IdentificationCandidate> Search(string probe)
        {
            var found = shard.Search(embeddings.Row(row[probe]), 1, CandidateCount)[0];
            if (exact is not null)
            {
                topScoreErrors.Add(Math.Abs(found[0].Score - exact.Search(embeddings.Row(row[probe]), 1, 1)[0][0].Score));
            }

            return found.Select(c => new IdentificationCandidate(c.Id, c.Score)).ToList();
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
            enrolledOwners.Count,
            OpenSetMetrics.Compute(mated, nonMated),
            embeddings.Rejected.ToDictionary(kv => paths[kv.Key], kv => kv.Value),
            mated,
            nonMated,
            Calibration.ImpostorCalibration.GalleryHistogram(enrolledFaces.ToArray(), enrolledOwners, matrix, dim),
            topScoreErrors.Count == 0 ? null : new TopScoreError(topScoreErrors.Average(), topScoreErrors.Max()));
    }
}
