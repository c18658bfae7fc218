using FaceGrains.Recognition.Datasets;
using FaceGrains.Recognition.Embedding;
using FaceGrains.Recognition.Images;
using FaceGrains.Recognition.Similarity;

namespace FaceGrains.Recognition.Detection;

/// <summary>
/// Offline enrol-then-identify on photos, the way the gallery will do it: each gallery image enrols its largest
/// face (when it passes the enrolment thresholds), each identity's centroid is the L2-normalised mean of its
/// enrolled embeddings, and every face of every probe photo is answered with its nearest centroid by cosine
/// (no-correspondence below <c>threshold</c>, when one is given).
/// </summary>
public static class PhotoIdentification
{
    /// <param name="galleryAligned">The gallery images are face chips already (enrolled as with aligned=true: no detection).</param>
    public static PhotoIdentificationReport Run(FacePreparer preparer, FaceEmbedder embedder, FolderDataset gallery, IReadOnlyList<string> probePhotos, double? threshold, bool galleryAligned = false)
    {
        ArgumentNullException.ThrowIfNull(preparer);
        ArgumentNullException.ThrowIfNull(embedder);
        ArgumentNullException.ThrowIfNull(gallery);
        ArgumentNullException.ThrowIfNull(probePhotos);
        var dim = embedder.EmbeddingSize;
        var enrolments = new List<PhotoEnrolment>();
        var names = new List<string>();
        var centroids = new List<float>();
        foreach (var identity in gallery.Identities)
        {
            var faces = new List<float[]>();
            foreach (var path in identity.ImagePaths)
            {
                var photo = preparer.Prepare(ImageDecoder.DecodeFile(path), FaceSelection.Largest, galleryAligned);
                var problems = photo.HasFaces ? preparer.Enrolment.Check(photo.Faces[0].Quality).Select(p => p.Message).ToList() : [photo.Message];
                enrolments.Add(new PhotoEnrolment(identity.Name, path, problems.Count == 0, photo.Others.Count, problems));
                if (problems.Count == 0)
                {
                    faces.Add(embedder.Embed([photo.Faces[0]])[0].Normalized);
                }
            }

            if (faces.Count > 0)
            {
                names.Add(identity.Name);
                centroids.AddRange(VectorMath.Centroid(faces, dim));
            }
        }

        var matrix = centroids.ToArray();
        var scores = new float[names.Count];
        var answers = new List<PhotoAnswer>();
        foreach (var path in probePhotos)
        {
            var photo = preparer.Prepare(ImageDecoder.DecodeFile(path), FaceSelection.Every);
            var embeddings = embedder.Embed(photo.Faces);
            var faces = new List<FaceAnswer>();
            for (var f = 0; f < photo.Faces.Count; f++)
            {
                var face = photo.Faces[f];
                if (names.Count == 0)
                {
                    faces.Add(new FaceAnswer(face, null, 0, null, 0));
                    continue;
                }

                SimilarityKernels.ScoreAll(embeddings[f].Normalized, matrix, dim, scores);
                var top = TopK.Select(scores, Math.Min(2, names.Count));
                var best = top[0];
                var identity = threshold is { } t && best.Score < t ? null : names[best.Index];
                faces.Add(new FaceAnswer(face, identity, best.Score, names[best.Index], top.Length > 1 ? top[1].Score : float.NaN));
            }

            answers.Add(new PhotoAnswer(path, photo.Outcome, photo.Message, faces));
        }

        return new PhotoIdentificationReport(enrolments, names, answers);
    }
}

/// <summary>One gallery image: enrolled or not, and why not.</summary>
public sealed record PhotoEnrolment(string Identity, string Path, bool Accepted, int OtherFaces, IReadOnlyList<string> Rejections);

/// <summary>One face of a probe photo: the answer (null = no-correspondence), its score, the nearest identity and the runner-up's score.</summary>
public sealed record FaceAnswer(PreparedFace Face, string? Identity, float Score, string? Nearest, float SecondScore);

/// <summary>Every face of one probe photo, or why it has none.</summary>
public sealed record PhotoAnswer(string Path, PhotoOutcome Outcome, string Message, IReadOnlyList<FaceAnswer> Faces);

/// <summary>What <see cref="PhotoIdentification.Run"/> did.</summary>
public sealed record PhotoIdentificationReport(IReadOnlyList<PhotoEnrolment> Enrolments, IReadOnlyList<string> Gallery, IReadOnlyList<PhotoAnswer> Photos);
