using FaceGrains.Recognition.Detection;
using FaceGrains.Recognition.Embedding;
using FaceGrains.Recognition.Evaluation;
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

    /// <summary>
    /// Each image's subject is the face nearest its centre (<see cref="FaceSelection.Central"/>: LFW frames its subject),
    /// prepared by the version's recipe; an image without a face makes its pairs count as "different".
    /// </summary>
    public static LfwVerificationReport Run(FaceEmbedder embedder, FacePreparer preparer, string lfwDirectory, Action<int, int>? progress = null)
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
        var embeddings = ImageSetEmbedding.Embed(embedder, preparer, relative.Select(r => Path.Combine(lfwDirectory, r)).ToList(), FaceSelection.Central, progress: progress);

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
