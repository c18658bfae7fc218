namespace FaceGrains.Grains.Interfaces;

/// <summary>Probe embeddings of one model version, row-major <see cref="Count"/> × <see cref="Dimension"/>, each row L2-normalised.</summary>
[GenerateSerializer, Immutable, Alias("facegrains.probe-batch")]
public sealed record ProbeBatch(
    [property: Id(0), Immutable] float[] Embeddings,
    [property: Id(1)] int Count,
    [property: Id(2)] int Dimension)
{
    public ReadOnlySpan<float> Row(int index) => Embeddings.AsSpan(index * Dimension, Dimension);
}
