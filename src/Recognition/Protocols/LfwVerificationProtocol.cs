using FaceGrains.Recognition.Embedding;
using FaceGrains.Recognition.Evaluation;
using FaceGrains.Recognition.Preprocessing;
using FaceGrains.Recognition.Similarity;

namespace FaceGrains.Recognition.Protocols;

/// <summary>
/// LFW View 2 (pairs.txt): every distinct image embedded once, each pair scored by cosine similarity,
/// accuracy over the 10 folds with the threshold chosen on the other nine, ROC over all 6,000 pairs.
/// </summary>
public static class LfwVerificationProtocol
{
    public const string PairsFileName = "pairs.txt";

    /// <summary>A pair with an unreadable image scores this: below every cosine, so it counts as "different".</summary>
    private const double UnreadableScore = -2.0;

    /// <param name="prepare">Optional image → face step (alignment); see <see cref="ImageSetEmbedding.Embed"/>.</param>
    public static LfwVerificationReport Run(FaceEmbedder embedder, string lfwDirectory, CropPolicy? crop, Action<int, int>? progress = null, Func<Images.RgbImage, Images.RgbImage?>? prepare = null)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        var pairsPath = Path.Combine(lfwDirectory, PairsFileName);
        if (!File.Exists(pairsPath))
        {
            throw new FileNotFoundException($"LFW folder '{lfwDirectory}' has no {PairsFileName} (the View 2 protocol file).", pairsPath);
        }

        var pairs = LfwPairs.Read(pairsPath);
        var relative = pairs.SelectMany(p => new[] { p.FirstPath, p.SecondPath }).Distinct(StringComparer.Ordinal).ToList();
        var index = relative.Select((path, i) => (path, i)).ToDictionary(x => x.path, x => x.i, StringComparer.Ordinal);
        var embeddings = ImageSetEmbedding.Embed(embedder, relative.Select(r => Path.Combine(lfwDirectory, r)).ToList(), crop, progress, prepare);

        var scores = new double[pairs.Count];
        var genuine = new bool[pairs.Count];
        var folds = new int[pairs.Count];
        var missing = 0;
        for (var i = 0; i < pairs.Count; i++)
        {
            var (a, b) = (index[pairs[i].FirstPath], index[pairs[i].SecondPath]);
            genuine[i] = pairs[i].Genuine;
            folds[i] = pairs[i].Fold;
            if (embeddings.Rejected.ContainsKey(a) || embeddings.Rejected.ContainsKey(b))
            {
                scores[i] = UnreadableScore;
                missing++;
                continue;
            }

            scores[i] = VectorMath.Dot(embeddings.Row(a), embeddings.Row(b));
        }

        return new LfwVerificationReport(
            pairs.Count,
            relative.Count,
            LfwProtocol.TenFoldAccuracy(scores, genuine, folds),
            VerificationMetrics.Compute(scores, genuine),
            missing,
            embeddings.Rejected.ToDictionary(kv => relative[kv.Key], kv => kv.Value));
    }
}
