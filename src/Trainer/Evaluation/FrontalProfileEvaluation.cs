using FaceGrains.Recognition;
using FaceGrains.Recognition.Detection;
using FaceGrains.Recognition.Embedding;
using FaceGrains.Recognition.Evaluation;
using FaceGrains.Recognition.Models;
using FaceGrains.Recognition.Protocols;
using FaceGrains.Trainer.Training;

namespace FaceGrains.Trainer.Evaluation;

/// <summary>
/// CFP-style frontal-vs-profile verification for any ONNX model version: every (frontal, profile) pair of the
/// given identities, genuine when both show the same person; each image prepared by the version's own recipe (the
/// served path, flip averaging included) and embedded through ONNX Runtime; images without a face are left out and
/// counted. Used to compare the imported model with fine-tuned ones on identities neither trained on. Every pair of
/// the same images is scored too: over a run's held-out identities that is the verification a training run reports
/// as <c>val_eer</c>, here measured on the published version as a gallery serves it.
/// </summary>
public static class FrontalProfileEvaluation
{
    /// <param name="aligned">The images are face chips: taken whole (the recipe's fixed crop), no detection.</param>
    public static (VerificationResult FrontalProfile, VerificationResult AllPairs, int ImagesWithoutFace) Run(ModelVersion model, IReadOnlyList<(string Identity, string Path)> faces, int threads, FaceGrainsHome home, bool aligned, string? faceCache = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(faces);
        using var embedder = new FaceEmbedder(model, new EmbedderOptions { IntraOpNumThreads = threads });
        using var preparer = FacePreparer.Open(model, home, intraOpThreads: 1, log: Console.Error.WriteLine);
        if (faceCache is { Length: > 0 })
        {
            preparer.Cache = new PreparedPhotoCache(Path.GetFullPath(faceCache));
        }

        var set = ImageSetEmbedding.Embed(embedder, preparer, faces.Select(f => f.Path).ToList(), FaceSelection.Largest, aligned: aligned);
        var kept = Enumerable.Range(0, faces.Count).Where(i => !set.Rejected.ContainsKey(i)).ToList();
        var embeddings = kept.Select(i => set.Row(i).ToArray()).ToArray();
        var identities = kept.Select(i => faces[i].Identity).ToList();
        var profile = kept.Select(i => IsProfile(faces[i].Path)).ToList();
        return (ValidationSet.VerifyPairs(embeddings, identities, (i, j) => profile[i] != profile[j]), ValidationSet.VerifyPairs(embeddings, identities, null), set.Rejected.Count);
    }

    public static bool IsProfile(string path) =>
        path.Replace('\\', '/').Contains("/profile/", StringComparison.OrdinalIgnoreCase);
}
