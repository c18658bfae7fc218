using FaceGrains.Recognition;
using FaceGrains.Recognition.Detection;
using FaceGrains.Recognition.Evaluation;
using FaceGrains.Recognition.Preprocessing;
using FaceGrains.Trainer.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceGrains.Trainer.Training;

/// <summary>
/// Validation faces prepared by the serving path's <see cref="FacePreparer"/> for the run's recipe (decode → crop →
/// resize → normalise), kept as tensors. Verification scores every pair by cosine similarity and hands scores and labels to Recognition's metrics.
/// </summary>
public sealed class ValidationSet
{
    private readonly float[] _images;
    private readonly int _size;

    private ValidationSet(IReadOnlyList<FaceSample> samples, float[] images, int size)
    {
        Samples = samples;
        _images = images;
        _size = size;
    }

    public IReadOnlyList<FaceSample> Samples { get; }

    public int Count => Samples.Count;

    public static ValidationSet Build(IReadOnlyList<FaceSample> samples, PreprocessingSpec spec, int maxImages, int seed, int threads, List<string> skipped)
    {
        var chosen = samples.Count > maxImages
            ? samples.Select((s, i) => (s, key: Seeds.Mix(seed, i))).OrderBy(x => x.key).Take(maxImages).Select(x => x.s).OrderBy(s => s.Path, StringComparer.Ordinal).ToList()
            : samples.ToList();
        var size = 3 * spec.Width * spec.Height;
        var images = new float[chosen.Count * size];
        var home = FaceGrainsHome.Resolve();
        using var preparer = FacePreparer.Open(spec, home);
        // Validation faces are the same photos in every run of a recipe: what the preparer made of each is kept
        // (keyed by its pixels and the recipe), so only the first run detects them.
        preparer.Cache = new PreparedPhotoCache(Path.Combine(home.CacheDirectory, FaceCache.PreparedFacesFolder));
        var ok = new bool[chosen.Count];
        var bad = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, chosen.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) }, i =>
        {
            var image = FaceCache.TryDecode(chosen[i].Path, out var reason);
            if (image is null)
            {
                bad.Add($"{chosen[i].Path}: {reason}");
                return;
            }

            var photo = preparer.Prepare(image, FaceSelection.Largest);
            if (!photo.HasFaces)
            {
                bad.Add($"{chosen[i].Path}: {photo.Message}");
                return;
            }

            preparer.WriteInput(photo.Faces[0], images.AsSpan(i * size, size));
            ok[i] = true;
        });
        skipped.AddRange(bad);
        var kept = Enumerable.Range(0, chosen.Count).Where(i => ok[i]).ToList();
        var packed = new float[kept.Count * size];
        for (var j = 0; j < kept.Count; j++)
        {
            images.AsSpan(kept[j] * size, size).CopyTo(packed.AsSpan(j * size, size));
        }

        return new ValidationSet(kept.Select(i => chosen[i]).ToList(), packed, size);
    }

    public Tensor Batch(int start, int count, long height, long width) =>
        tensor(_images.AsSpan(start * _size, count * _size).ToArray(), [count, 3, height, width]);

    /// <summary>Raw embeddings [N, D] of every face (no grad, module in eval mode).</summary>
    public float[][] Embed(Func<Tensor, Tensor> forward, long height, long width, int batchSize = 64)
    {
        var rows = new float[Count][];
        using var noGrad = no_grad();
        for (var start = 0; start < Count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var n = Math.Min(batchSize, Count - start);
            var e = forward(Batch(start, n, height, width)).cpu();
            var d = (int)e.shape[1];
            var flat = e.contiguous().data<float>().ToArray();
            for (var i = 0; i < n; i++)
            {
                rows[start + i] = flat.AsSpan(i * d, d).ToArray();
            }
        }

        return rows;
    }

    public enum Distance
    {
        /// <summary>Cosine similarity (the gallery's score).</summary>
        Cosine,

        /// <summary>Negative Euclidean distance between the embeddings as they are (the loss study's other metric).</summary>
        Euclidean,
    }

    /// <summary>Every pair of faces scored by cosine similarity (or negative Euclidean distance); genuine when both show the same identity.</summary>
    public VerificationResult Verify(float[][] embeddings, Distance distance = Distance.Cosine) => VerifyPairs(embeddings, Samples.Select(s => s.Identity).ToList(), null, distance);

    public static VerificationResult VerifyPairs(float[][] embeddings, IReadOnlyList<string> identities, Func<int, int, bool>? include, Distance distance = Distance.Cosine)
    {
        var normalized = distance == Distance.Cosine ? embeddings.Select(Normalize).ToArray() : embeddings;
        var scores = new List<double>();
        var genuine = new List<bool>();
        for (var i = 0; i < normalized.Length; i++)
        {
            for (var j = i + 1; j < normalized.Length; j++)
            {
                if (include is not null && !include(i, j))
                {
                    continue;
                }

                scores.Add(distance == Distance.Cosine
                    ? System.Numerics.Tensors.TensorPrimitives.Dot(normalized[i], normalized[j])
                    : -System.Numerics.Tensors.TensorPrimitives.Distance(normalized[i], normalized[j]));
                genuine.Add(identities[i] == identities[j]);
            }
        }

        return VerificationMetrics.Compute(scores.ToArray(), genuine.ToArray());
    }

    public static float[] Normalize(float[] v)
    {
        var norm = System.Numerics.Tensors.TensorPrimitives.Norm(v);
        var r = new float[v.Length];
        System.Numerics.Tensors.TensorPrimitives.Divide(v, Math.Max(norm, 1e-12f), r);
        return r;
    }

    /// <summary>Share of faces whose highest logit is their own identity (closed-set accuracy).</summary>
    public double ClosedSetAccuracy(Func<Tensor, Tensor?> logits, long height, long width, int batchSize = 64)
    {
        var correct = 0;
        using var noGrad = no_grad();
        for (var start = 0; start < Count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var n = Math.Min(batchSize, Count - start);
            var l = logits(Batch(start, n, height, width));
            if (l is null)
            {
                return double.NaN;
            }

            var predicted = l.argmax(1).cpu().data<long>().ToArray();
            for (var i = 0; i < n; i++)
            {
                correct += predicted[i] == Samples[start + i].Label ? 1 : 0;
            }
        }

        return Count == 0 ? double.NaN : correct / (double)Count;
    }
}
