using FaceGrains.Recognition.Embedding;
using FaceGrains.Recognition.Images;
using FaceGrains.Recognition.Preprocessing;

namespace FaceGrains.Recognition.Protocols;

/// <summary>
/// Embeddings of a list of image files, row i for file i. Files that fail to decode are kept as
/// zero rows, flagged in <see cref="Rejected"/> with the reason, so one bad image never stops an evaluation.
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
    /// Decodes and preprocesses one batch on the thread pool while the previous batch is in ONNX Runtime,
    /// so decoding hides behind inference.
    /// </summary>
    /// <param name="prepare">
    /// When set, turns each decoded image into the face the model sees (e.g. an aligned chip) in place of
    /// <paramref name="crop"/>, which then frames that result; null from it means "no face": the file is rejected.
    /// </param>
    public static ImageSetEmbedding Embed(FaceEmbedder embedder, IReadOnlyList<string> paths, CropPolicy? crop, Action<int, int>? progress = null, Func<RgbImage, RgbImage?>? prepare = null)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        ArgumentNullException.ThrowIfNull(paths);
        var dim = embedder.EmbeddingSize;
        var tensorSize = embedder.InputSize;
        var batch = embedder.MaxBatchSize;
        var spec = embedder.Manifest.Preprocessing;
        var normalized = new float[paths.Count * dim];
        var raw = new float[paths.Count * dim];
        var rejected = new Dictionary<int, string>();
        var rejectedLock = new Lock();
        var scratchNormalized = new float[batch * dim];
        var scratchRaw = new float[batch * dim];

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
                    var image = ImageDecoder.DecodeFile(paths[start + i]);
                    var face = prepare is null ? image : prepare(image);
                    if (face is null)
                    {
                        lock (rejectedLock)
                        {
                            rejected[start + i] = "no face found";
                        }

                        return;
                    }

                    Preprocessor.ToTensor(face, spec, crop, tensor.AsSpan(i * tensorSize, tensorSize));
                    ok[i] = true;
                }
                catch (Exception e) when (e is ImageRejectedException or IOException or UnauthorizedAccessException)
                {
                    lock (rejectedLock)
                    {
                        rejected[start + i] = e.Message;
                    }
                }
            });

            var indices = Enumerable.Range(0, count).Where(i => ok[i]).ToArray();
            if (indices.Length != count)
            {
                // Close the gaps so only decoded images go to the model.
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
