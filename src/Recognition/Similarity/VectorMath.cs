using System.Numerics.Tensors;

namespace FaceGrains.Recognition.Similarity;

/// <summary>Small vector operations on embeddings; cosine similarity of L2-normalised embeddings is their dot product.</summary>
public static class VectorMath
{
    /// <summary>
    /// Scales <paramref name="vector"/> in place to unit L2 length and returns its original norm.
    /// A zero vector (or one whose norm is not finite and positive) is left untouched, so it scores 0 against everything
    /// instead of spreading NaN through a gallery.
    /// </summary>
    public static float L2Normalize(Span<float> vector)
    {
        var norm = TensorPrimitives.Norm((ReadOnlySpan<float>)vector);
        if (norm > 0f && float.IsFinite(norm))
        {
            TensorPrimitives.Divide(vector, norm, vector);
        }

        return norm;
    }

    /// <summary>
    /// An identity's centroid: the L2-normalised sum of its faces' L2-normalised embeddings, added in the order given.
    /// The one definition the gallery, the evaluation protocols and the calibrations share, so their scores agree to
    /// the last bit (float addition is not associative: the order is part of the definition).
    /// </summary>
    public static float[] Centroid(IEnumerable<float[]> embeddings, int dimension)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        var sum = new float[dimension];
        foreach (var embedding in embeddings)
        {
            TensorPrimitives.Add(sum, embedding, sum);
        }

        L2Normalize(sum);
        return sum;
    }

    /// <summary>Dot product of two equally long vectors (cosine similarity when both are L2-normalised).</summary>
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException($"Vectors differ in length ({a.Length} vs {b.Length}).", nameof(b));
        }

        return TensorPrimitives.Dot(a, b);
    }
}
