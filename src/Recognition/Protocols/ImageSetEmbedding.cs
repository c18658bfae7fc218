using FaceGrains.Recognition.Detection;
using FaceGrains.Recognition.Embedding;
using FaceGrains.Recognition.Images;

namespace FaceGrains.Recognition.Protocols;

/// <summary>
/// Embeddings of a list of image files, row i for file i, each prepared as the gallery serves it. Files that fail to
/// decode, hold no face or (enrolment images) fail the quality gate are kept as zero rows, flagged in
/// <see cref="Rejected"/> with the reason, so one bad image never stops an evaluation.
/// </summary>
public sealed class ImageSetEmbedding
{
    private ImageSetEmbedding(IReadOnlyList<string> paths, int dimension, float[] normalized, float[] raw, Dictionary<int, string> rejected)
    {
        Paths = paths;
        Dimension = dimension;
        Normalized = normalized;
        Raw = raw;
        Rejected = rejected;
    }

    public IReadOnlyList<string> Paths { get; }

    public int Dimension { get; }

    /// <summary>Row-major Paths.Count × Dimension, L2-normalised.</summary>
    public float[] Normalized { get; }

    /// <summary>The model's own outputs, same layout.</summary>
    public float[] Raw { get; }

    /// <summary>Index → why that file was not embedded.</summary>
    public IReadOnlyDictionary<int, string> Rejected { get; }

    public ReadOnlySpan<float> Row(int index) => Normalized.AsSpan(index * Dimension, Dimension);

    /// <summary>
    /// Decodes each image and prepares its face with <paramref name="preparer"/> (the served path: the version's recipe)
    /// on the thread pool while the previous batch is in ONNX Runtime, so preparation hides behind inference.
    /// </summary>
    /// <param name="selection">Which face stands for an image (<see cref="FaceSelection.Largest"/> as the gallery enrols and verifies, <see cref="FaceSelection.Central"/> for LFW's framed subjects).</param>
    /// <param name="enrolment">Images for which this returns true must pass the enrolment quality gate, as the gallery's enrolment does; others are probes, taken as they are.</param>
    /// <param name="aligned">The images are face chips already (taken whole under the recipe's fixed crop, no detection), as enrolling with aligned=true.</param>
    public static ImageSetEmbedding Embed(FaceEmbedder embedder, FacePreparer preparer, IReadOnlyList<string> paths, FaceSelection selection, Func<int, bool>? enrolment = null, bool aligned = false, Action<int, int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        ArgumentNullException.ThrowIfNull(preparer);
        ArgumentNullException.ThrowIfNull(paths);
        if (preparer.Recipe.Fingerprint() != embedder.Manifest.Preprocessing.Fingerprint())
        {
            throw new ArgumentException($"The preparer follows another recipe than model version {embedder.Version.ShortId}'s.", nameof(preparer));
        }

        if (selection == FaceSelection.Every)
        {
            throw new ArgumentException("One embedding per image: select the largest or the central face.", nameof(selection));
        }

        var dim = embedder.EmbeddingSize;
        var tensorSize = embedder.InputSize;
        var batch = embedder.MaxBatchSize;
        var normalized = new float[paths.Count * dim];
        var raw = new float[paths.Count * dim];
        var rejected = new Dictionary<int, string>();
        var rejectedLock = new Lock();
        var scratchNormalized = new float[batch * dim];
        var scratchRaw = new float[batch * dim];

        void Reject(int index, string reason)
        {
            lock (rejectedLock)
            {
                rejected[index] = reason;
            }
        }

        // Each prepared batch: its tensor, and which file indices (that decoded) are in it, in order.
        (float[] Tensor, int[] Indices) Prepare(int start)
        {
            var count = Math.Min(batch, paths.Count - start);
            var tensor = new float[count * tensorSize];
            var ok = new bool[count];
            Parallel.For(0, count, i =>
            {
                try
                {
                    var photo = preparer.Prepare(ImageDecoder.DecodeFile(paths[start + i]), selection, aligned);
                    if (!photo.HasFaces)
                    {
                        Reject(start + i, photo.Message);
                        return;
                    }

                    var face = photo.Faces[0];
                    if (enrolment?.Invoke(start + i) == true && preparer.Enrolment.Check(face.Quality) is { Count: > 0 } problems)
                    {
                        Reject(start + i, "not enrolled: " + string.Join("; ", problems.Select(p => p.Message)));
                        return;
                    }

                    preparer.WriteInput(face, tensor.AsSpan(i * tensorSize, tensorSize));
                    ok[i] = true;
                }
                catch (Exception e) when (e is ImageRejectedException or IOException or UnauthorizedAccessException)
                {
                    Reject(start + i, e.Message);
                }
            });

            var indices = Enumerable.Range(0, count).Where(i => ok[i]).ToArray();
            if (indices.Length != count)
            {
                // Close the gaps so only prepared faces go to the model.
                for (var k = 0; k < indices.Length; k++)
                {
                    tensor.AsSpan(indices[k] * tensorSize, tensorSize).CopyTo(tensor.AsSpan(k * tensorSize, tensorSize));
                }
            }

            return (tensor, indices.Select(i => start + i).ToArray());
        }

        var next = paths.Count > 0 ? Task.Run(() => Prepare(0)) : null;
        for (var start = 0; start < paths.Count; start += batch)
        {
            var (tensor, indices) = next!.GetAwaiter().GetResult();
            var following = start + batch;
            next = following < paths.Count ? Task.Run(() => Prepare(following)) : null;
            if (indices.Length > 0)
            {
                embedder.EmbedTensors(tensor.AsSpan(0, indices.Length * tensorSize), indices.Length, scratchRaw, scratchNormalized);
                for (var k = 0; k < indices.Length; k++)
                {
                    scratchNormalized.AsSpan(k * dim, dim).CopyTo(normalized.AsSpan(indices[k] * dim, dim));
                    scratchRaw.AsSpan(k * dim, dim).CopyTo(raw.AsSpan(indices[k] * dim, dim));
                }
            }

            progress?.Invoke(Math.Min(paths.Count, start + batch), paths.Count);
        }

        return new ImageSetEmbedding(paths, dim, normalized, raw, rejected);
    }
}
