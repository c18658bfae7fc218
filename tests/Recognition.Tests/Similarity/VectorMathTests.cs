using FaceGrains.Recognition.Similarity;
using Xunit;

namespace FaceGrains.Recognition.Tests.Similarity;

public sealed class VectorMathTests
{
    [Fact]
    public void L2Normalize_returns_the_norm_and_scales_to_unit_length()
    {
        float[] v = [3f, 4f];

        var norm = VectorMath.L2Normalize(v);

        Assert.Equal(5f, norm, 6);
        Assert.Equal(0.6f, v[0], 6);
        Assert.Equal(0.8f, v[1], 6);
        Assert.Equal(1f, VectorMath.Dot(v, v), 6);
    }

    [Fact]
    public void L2Normalize_leaves_a_zero_vector_zero()
    {
        var v = new float[7];

        var norm = VectorMath.L2Normalize(v);

        Assert.Equal(0f, norm);
        Assert.All(v, x => Assert.Equal(0f, x));
    }

    [Fact]
    public void Dot_of_long_vectors_matches_a_scalar_sum()
    {
        var a = Enumerable.Range(0, 513).Select(i => (float)Math.Sin(i)).ToArray();
        var b = Enumerable.Range(0, 513).Select(i => (float)Math.Cos(i)).ToArray();
        var expected = a.Zip(b, (x, y) => (double)x * y).Sum();

        Assert.Equal(expected, VectorMath.Dot(a, b), 4);
    }

    [Fact]
    public void Dot_rejects_different_lengths()
    {
        Assert.Throws<ArgumentException>(() => VectorMath.Dot(new float[3], new float[4]));
    }
}
