using FaceGrains.Recognition.Embedding;
using FaceGrains.Recognition.Evaluation;
using FaceGrains.Recognition.Images;
using FaceGrains.Recognition.Models;
using FaceGrains.Trainer.Training;

namespace FaceGrains.Trainer.Evaluation;

/// <summary>
/// CFP-style frontal-vs-profile verification for any ONNX model version: every (frontal, profile) pair of the
/// given identities, genuine when both show the same person; scored with the model's own preprocessing
/// through ONNX Runtime. Used to compare the imported model with fine-tuned ones on identities neither trained on.
/// </summary>
public static class FrontalProfileEvaluation
{
    public static VerificationResult Run(ModelVersion model, IReadOnlyList<(string Identity, string Path)> faces, int threads)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(faces);
        using var embedder = new FaceEmbedder(model, new EmbedderOptions { IntraOpNumThreads = threads });
        var embeddings = new List<float[]>();
        var identities = new List<string>();
        var profile = new List<bool>();
        foreach (var chunk in faces.Chunk(32))
        {
            var images = new List<RgbImage>();
            foreach (var (identity, path) in chunk)
            {
                var image = Data.FaceCache.TryDecode(path, out _);
                if (image is null)
                {
                    continue;
                }

                images.Add(image);
                identities.Add(identity);
                profile.Add(IsProfile(path));
            }

            embeddings.AddRange(embedder.Embed(images).Select(e => e.Normalized));
        }

        return ValidationSet.VerifyPairs(embeddings.ToArray(), identities, (i, j) => profile[i] != profile[j]);
    }

    public static bool IsProfile(string path) =>
        path.Replace('\\', '/').Contains("/profile/", StringComparison.OrdinalIgnoreCase);
}
