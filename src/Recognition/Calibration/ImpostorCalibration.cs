using FaceGrains.Recognition.Datasets;
using FaceGrains.Recognition.Detection;
using FaceGrains.Recognition.Embedding;
using FaceGrains.Recognition.Models;
using FaceGrains.Recognition.Protocols;
using FaceGrains.Recognition.Similarity;

namespace FaceGrains.Recognition.Calibration;

/// <summary>
/// Measures a model version's impostor-score tail on a labelled image set, so the gallery can derive an open-set
/// threshold for any gallery size from it: every image is scored against the centroid of the first K images of every
/// other identity that has K images (K = 1: every cross-identity pair of images; LFW then gives about 87 million pairs,
/// a few seconds of <see cref="SimilarityKernels.ScoreBatch"/>).
/// </summary>
public static class ImpostorCalibration
{
    /// <summary>Images per centroid unless told otherwise: the gallery's usual enrolment.</summary>
    public const int DefaultEnrolledPerIdentity = 3;

    /// <summary>Histogram resolution in cosine: thresholds are exact to this step.</summary>
    public const double BinWidth = 1e-4;

    /// <summary>Tail points per decade of FMR.</summary>
    public const int PointsPerDecade = 20;

    /// <summary>A tail point needs at least this many impostor pairs at or above it to be trusted.</summary>
    public const long MinExceedances = 10;

    private const int ProbesPerBlock = 128;
    /// <summary>Bins of <see cref="BinWidth"/> over [−1, 1].</summary>
    public const int BinCount = (int)(2 / BinWidth) + 1;

    /// <summary>
    /// Prepares every image of a folder-per-person dataset with the version's recipe (<paramref name="preparer"/>: the
    /// largest face, as the gallery sees probes; images without a face or that fail to decode are left out), embeds it
    /// and measures the tail. Save it with <see cref="ImpostorTail.SaveTo"/>.
    /// </summary>
    /// <param name="aligned">The images are face chips already (no detection), as enrolling with aligned=true.</param>
    public static ImpostorTail CalibrateFolder(FaceEmbedder embedder, FacePreparer preparer, string dataFolder, Action<int, int>? progress = null, int enrolledPerIdentity = DefaultEnrolledPerIdentity, bool aligned = false)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        ArgumentNullException.ThrowIfNull(preparer);
        var dataset = FolderDataset.Open(dataFolder);
        var paths = new List<string>();
        var labels = new List<int>();
        for (var identity = 0; identity < dataset.Identities.Count; identity++)
        {
            foreach (var path in dataset.Identities[identity].ImagePaths)
            {
                paths.Add(path);
                labels.Add(identity);
            }
        }

        var embeddings = ImageSetEmbedding.Embed(embedder, preparer, paths, FaceSelection.Largest, aligned: aligned, progress: progress);
        var keep = Enumerable.Range(0, paths.Count).Where(i => !embeddings.Rejected.ContainsKey(i)).ToArray();
        var dim = embeddings.Dimension;
        var matrix = new float[keep.Length * dim];
        for (var k = 0; k < keep.Length; k++)
        {
            embeddings.Row(keep[k]).CopyTo(matrix.AsSpan(k * dim, dim));
        }

        var source = $"{Path.GetFileName(Path.GetFullPath(dataFolder).TrimEnd(Path.DirectorySeparatorChar))}: {keep.Length} of {paths.Count} images ({(aligned ? "declared aligned face chips" : "largest face")}), {embedder.Manifest.Preprocessing.Describe()}";
        return Measure(embedder.Version, matrix, dim, keep.Select(i => labels[i]).ToArray(), source, enrolledPerIdentity);
    }

    /// <summary>
    /// The impostor tail of L2-normalised <paramref name="embeddings"/> (row-major, one row per image) labelled by
    /// identity. K = 1: every pair of rows with different labels, once. K &gt; 1: every row against the centroid
    /// (normalised mean) of the first K rows of every other label that has K rows.
    /// </summary>
    public static ImpostorTail Measure(ModelVersion version, float[] embeddings, int dim, IReadOnlyList<int> labels, string source, int enrolledPerIdentity = 1)
    {
        ArgumentNullException.ThrowIfNull(version);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(enrolledPerIdentity);
        var histogram = enrolledPerIdentity == 1 ? Histogram(embeddings, dim, labels) : CentroidHistogram(embeddings, dim, labels, enrolledPerIdentity);
        var pairs = histogram.Sum();
        if (pairs < MinExceedances)
        {
            throw new ArgumentException($"Only {pairs} impostor pairs: calibration needs images of at least two identities, and many more pairs to resolve a tail.");
        }

        return new ImpostorTail
        {
            ModelId = version.Id,
            RecipeSha256 = version.Manifest.Preprocessing.Fingerprint(),
            Source = source,
            CreatedUtc = DateTimeOffset.UtcNow,
            Identities = labels.Distinct().Count(),
            EnrolledPerIdentity = enrolledPerIdentity,
            Images = labels.Count,
            Pairs = pairs,
            MaxScore = BinEdge(Array.FindLastIndex(histogram, c => c > 0) + 1),
            Points = TailPoints(histogram, pairs),
        };
    }

    /// <summary>Counts of impostor scores per bin of <see cref="BinWidth"/> over [−1, 1] (scores outside are clamped in).</summary>
    internal static long[] Histogram(float[] embeddings, int dim, IReadOnlyList<int> labels)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        ArgumentNullException.ThrowIfNull(labels);
        var n = SimilarityKernels.RowCount(embeddings.Length, dim);
        if (labels.Count != n)
        {
            throw new ArgumentException($"{labels.Count} labels for {n} embeddings.", nameof(labels));
        }

        var total = new long[BinCount];
        var blocks = (n + ProbesPerBlock - 1) / ProbesPerBlock;
        Parallel.For(
            0,
            blocks,
            () => (Bins: new long[BinCount], Scores: new float[ProbesPerBlock * n]),
            (block, _, local) =>
            {
                // Block rows [a, a + count) against rows [a, n): each pair (i < j) is seen once.
                var a = block * ProbesPerBlock;
                var count = Math.Min(ProbesPerBlock, n - a);
                var columns = n - a;
                var gallery = embeddings.AsSpan(a * dim, columns * dim);
                SimilarityKernels.ScoreBatch(embeddings.AsSpan(a * dim, count * dim), count, gallery, dim, local.Scores);
                for (var p = 0; p < count; p++)
                {
                    var label = labels[a + p];
                    var row = local.Scores.AsSpan(p * columns, columns);
                    for (var c = p + 1; c < columns; c++)
                    {
                        if (labels[a + c] != label)
                        {
                            local.Bins[BinOf(row[c])]++;
                        }
                    }
                }

                return local;
            },
            local => MergeInto(total, local.Bins));
        return total;
    }

    /// <summary>Adds one worker's histogram to the shared one (workers finish at different times).</summary>
    private static void MergeInto(long[] total, long[] bins)
    {
        lock (total)
        {
            for (var b = 0; b < BinCount; b++)
            {
                total[b] += bins[b];
            }
        }
    }

    /// <summary>Counts of impostor scores of every row against the K-row centroids of the other labels.</summary>
    internal static long[] CentroidHistogram(float[] embeddings, int dim, IReadOnlyList<int> labels, int k)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        ArgumentNullException.ThrowIfNull(labels);
        var n = SimilarityKernels.RowCount(embeddings.Length, dim);
        if (labels.Count != n)
        {
            throw new ArgumentException($"{labels.Count} labels for {n} embeddings.", nameof(labels));
        }

        var centroids = new List<float>();
        var centroidLabels = new List<int>();
        foreach (var group in Enumerable.Range(0, n).GroupBy(i => labels[i]).Where(g => g.Count() >= k))
        {
            centroids.AddRange(VectorMath.Centroid(group.Take(k).Select(row => embeddings.AsSpan(row * dim, dim).ToArray()), dim));
            centroidLabels.Add(group.Key);
        }

        var gallery = centroids.ToArray();
        var m = centroidLabels.Count;
        var total = new long[BinCount];
        if (m == 0)
        {
            return total;
        }

        var blocks = (n + ProbesPerBlock - 1) / ProbesPerBlock;
        Parallel.For(
            0,
            blocks,
            () => (Bins: new long[BinCount], Scores: new float[ProbesPerBlock * m]),
            (block, _, local) =>
            {
                var a = block * ProbesPerBlock;
                var count = Math.Min(ProbesPerBlock, n - a);
                SimilarityKernels.ScoreBatch(embeddings.AsSpan(a * dim, count * dim), count, gallery, dim, local.Scores);
                for (var p = 0; p < count; p++)
                {
                    var label = labels[a + p];
                    for (var c = 0; c < m; c++)
                    {
                        if (centroidLabels[c] != label)
                        {
                            local.Bins[BinOf(local.Scores[(p * m) + c])]++;
                        }
                    }
                }

                return local;
            },
            local => MergeInto(total, local.Bins));
        return total;
    }

    /// <summary>
    /// A gallery's own impostor scores: every enrolled face (row i of <paramref name="faces"/>, owned by identity
    /// <paramref name="owners"/>[i]) against the centroid of every other identity (row j of <paramref name="centroids"/> is
    /// identity j), as the gallery's shards score them when it calibrates itself.
    /// </summary>
    public static long[] GalleryHistogram(float[] faces, IReadOnlyList<int> owners, float[] centroids, int dim)
    {
        ArgumentNullException.ThrowIfNull(faces);
        ArgumentNullException.ThrowIfNull(owners);
        ArgumentNullException.ThrowIfNull(centroids);
        var n = SimilarityKernels.RowCount(faces.Length, dim);
        var m = SimilarityKernels.RowCount(centroids.Length, dim);
        var total = new long[BinCount];
        var scores = new float[m];
        for (var i = 0; i < n; i++)
        {
            SimilarityKernels.ScoreAll(faces.AsSpan(i * dim, dim), centroids, dim, scores);
            for (var j = 0; j < m; j++)
            {
                if (j != owners[i])
                {
                    total[BinOf(scores[j])]++;
                }
            }
        }

        return total;
    }

    /// <summary>
    /// Points at FMR levels 10^(−j/<see cref="PointsPerDecade"/>): for each, the lowest bin edge whose share of pairs at or above
    /// it is at most the level, down to the last edge with <see cref="MinExceedances"/> pairs above it.
    /// </summary>
    public static IReadOnlyList<TailPoint> TailPoints(long[] histogram, long pairs)
    {
        // above[b] = pairs scoring at or above the lower edge of bin b.
        var above = new long[histogram.Length + 1];
        for (var b = histogram.Length - 1; b >= 0; b--)
        {
            above[b] = above[b + 1] + histogram[b];
        }

        var points = new List<TailPoint>();
        void Add(int bin)
        {
            var point = new TailPoint(BinEdge(bin), (double)above[bin] / pairs);
            if (points.Count == 0 || (point.Score > points[^1].Score && point.Fmr < points[^1].Fmr))
            {
                points.Add(point);
            }
        }

        var b2 = 0;
        for (var j = 1; ; j++)
        {
            var level = Math.Pow(10, -(double)j / PointsPerDecade);
            var allowed = level * pairs;
            if (allowed < MinExceedances)
            {
                break;
            }

            while (b2 < histogram.Length && above[b2] > allowed)
            {
                b2++;
            }

            if (above[b2] == 0)
            {
                // More scores tie in the top bins than this level allows (a model that maps strangers onto one another):
                // no threshold reaches it, and the tail ends at the last level one does.
                break;
            }

            Add(b2);
        }

        var last = Array.FindLastIndex(above, c => c >= MinExceedances);
        if (last >= 0)
        {
            Add(last);
        }

        return points;
    }

    /// <summary>The histogram bin of a score (scores outside [−1, 1] are clamped in).</summary>
    public static int BinOf(float score) => Math.Clamp((int)Math.Floor((score + 1) / BinWidth), 0, BinCount - 1);

    private static double BinEdge(int bin) => Math.Round(-1 + (bin * BinWidth), 6);
}
