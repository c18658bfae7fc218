namespace FaceGrains.Recognition.Tests.Onnx;

/// <summary>
/// A dense row-major float tensor for the reference forward pass. Deliberately naive: shape plus data,
/// offsets computed from strides, no views.
/// </summary>
internal sealed class RefTensor
{
    public RefTensor(int[] shape, float[]? data = null)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Any(d => d < 0))
        {
            throw new ArgumentException($"Negative dimension in [{string.Join(",", shape)}].", nameof(shape));
        }

        Shape = (int[])shape.Clone();
        var count = ElementCount(shape);
        if (data is not null && data.Length != count)
        {
            throw new ArgumentException($"{data.Length} values for shape [{string.Join(",", shape)}] ({count}).", nameof(data));
        }

        Data = data ?? new float[count];
        Strides = new int[shape.Length];
        var stride = 1;
        for (var i = shape.Length - 1; i >= 0; i--)
        {
            Strides[i] = stride;
            stride *= shape[i];
        }
    }

    public int[] Shape { get; }

    public int[] Strides { get; }

    public float[] Data { get; }

    public int Rank => Shape.Length;

    public long[] LongShape => Shape.Select(d => (long)d).ToArray();

    /// <summary>Element at a 4-D index; the caller guarantees rank 4 and bounds.</summary>
    public float this[int n, int c, int h, int w]
    {
        get => Data[(n * Strides[0]) + (c * Strides[1]) + (h * Strides[2]) + (w * Strides[3])];
        set => Data[(n * Strides[0]) + (c * Strides[1]) + (h * Strides[2]) + (w * Strides[3])] = value;
    }

    public float this[int r, int c]
    {
        get => Data[(r * Strides[0]) + c];
        set => Data[(r * Strides[0]) + c] = value;
    }

    public static int ElementCount(int[] shape) => shape.Aggregate(1, (a, d) => a * d);

    /// <summary>Uniform values in [-scale, scale) from a seeded generator.</summary>
    public static RefTensor Random(Random rng, float scale, params int[] shape)
    {
        var t = new RefTensor(shape);
        for (var i = 0; i < t.Data.Length; i++)
        {
            t.Data[i] = (float)(((rng.NextDouble() * 2) - 1) * scale);
        }

        return t;
    }

    /// <summary>Uniform values in [lo, hi).</summary>
    public static RefTensor Uniform(Random rng, float lo, float hi, params int[] shape)
    {
        var t = new RefTensor(shape);
        for (var i = 0; i < t.Data.Length; i++)
        {
            t.Data[i] = (float)(lo + (rng.NextDouble() * (hi - lo)));
        }

        return t;
    }

    /// <summary>Magnitudes in [lo, hi) with random sign: safe divisors.</summary>
    public static RefTensor AwayFromZero(Random rng, float lo, float hi, params int[] shape)
    {
        var t = Uniform(rng, lo, hi, shape);
        for (var i = 0; i < t.Data.Length; i++)
        {
            if (rng.Next(2) == 0)
            {
                t.Data[i] = -t.Data[i];
            }
        }

        return t;
    }

    /// <summary>Row-major multi-index of flat offset <paramref name="offset"/>.</summary>
    public int[] IndexOf(int offset)
    {
        var index = new int[Rank];
        for (var i = 0; i < Rank; i++)
        {
            index[i] = offset / Strides[i];
            offset %= Strides[i];
        }

        return index;
    }

    public int OffsetOf(int[] index)
    {
        var offset = 0;
        for (var i = 0; i < Rank; i++)
        {
            offset += index[i] * Strides[i];
        }

        return offset;
    }

    public static double MaxAbsDiff(RefTensor expected, RefTensor actual)
    {
        if (!expected.Shape.SequenceEqual(actual.Shape))
        {
            throw new InvalidOperationException(
                $"Shape mismatch: expected [{string.Join(",", expected.Shape)}], got [{string.Join(",", actual.Shape)}].");
        }

        var max = 0.0;
        for (var i = 0; i < expected.Data.Length; i++)
        {
            var e = expected.Data[i];
            var a = actual.Data[i];
            if (float.IsNaN(e) || float.IsNaN(a))
            {
                return double.PositiveInfinity;
            }

            max = Math.Max(max, Math.Abs((double)e - a));
        }

        return max;
    }

    public override string ToString() => $"RefTensor[{string.Join(",", Shape)}]";
}
