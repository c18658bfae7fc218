using System.Numerics.Tensors;
using FaceGrains.Recognition.Datasets;
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
    /// <param name="galleryFallbackToFixedCrop">Gallery images without a detectable face (face chips) are embedded with the model's fixed crop.</param>
    public static PhotoIdentificationReport Run(FacePipeline pipeline, FolderDataset gallery, IReadOnlyList<string> probePhotos, double? threshold, bool galleryFallbackToFixedCrop = false)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(gallery);
        ArgumentNullException.ThrowIfNull(probePhotos);
        if (pipeline.Embedder is null)
        {
            throw new ArgumentException("The pipeline needs an embedder to identify.", nameof(pipeline));
        }

        var dim = pipeline.Embedder.EmbeddingSize;
        var enrolments = new List<PhotoEnrolment>();
        var names = new List<string>();
        var centroids = new List<float>();
        foreach (var identity in gallery.Identities)
        {
            var centroid = new float[dim];
            var count = 0;
            foreach (var path in identity.ImagePaths)
            {
                var result = pipeline.ForEnrolment(ImageDecoder.DecodeFile(path), galleryFallbackToFixedCrop);
                enrolments.Add(new PhotoEnrolment(identity.Name, path, result.Accepted, result.Others.Count, result.Rejections, result.UsedFixedCrop));
                if (result.Accepted)
                {
                    TensorPrimitives.Add(centroid, result.Embedding!.Normalized, centroid);
                    count++;
                }
            }

            if (count > 0)
            {
                VectorMath.L2Normalize(centroid);
                names.Add(identity.Name);
                centroids.AddRange(centroid);
            }
        }

        var matrix = centroids.ToArray();
        var scores = new float[names.Count];
        var answers = new List<PhotoAnswer>();
        foreach (var path in probePhotos)
        {
            var photo = pipeline.ForIdentification(ImageDecoder.DecodeFile(path));
            var faces = new List<FaceAnswer>();
            foreach (var face in photo.Faces)
            {
                if (names.Count == 0)
                {
                    faces.Add(new FaceAnswer(face, null, 0, null, 0));
                    continue;
                }

                SimilarityKernels.ScoreAll(face.Embedding!.Normalized, matrix, dim, scores);
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
public sealed record PhotoEnrolment(string Identity, string Path, bool Accepted, int OtherFaces, IReadOnlyList<string> Rejections, bool UsedFixedCrop);

/// <summary>One face of a probe photo: the answer (null = no-correspondence), its score, the nearest identity and the runner-up's score.</summary>
public sealed record FaceAnswer(FaceObservation Face, string? Identity, float Score, string? Nearest, float SecondScore);

/// <summary>Every face of one probe photo, or why it has none.</summary>
public sealed record PhotoAnswer(string Path, PhotoOutcome Outcome, string Message, IReadOnlyList<FaceAnswer> Faces);

/// <summary>What <see cref="PhotoIdentification.Run"/> did.</summary>
public sealed record PhotoIdentificationReport(IReadOnlyList<PhotoEnrolment> Enrolments, IReadOnlyList<string> Gallery, IReadOnlyList<PhotoAnswer> Photos);
