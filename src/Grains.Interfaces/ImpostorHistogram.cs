namespace FaceGrains.Grains.Interfaces;

/// <summary>Counts of impostor scores per histogram bin (only the bins that hold any), their total, and how many identities were scored against.</summary>
/// <param name="Bins">Bin numbers, ascending (bin b holds scores in [−1 + b·w, −1 + (b + 1)·w), w the calibration's bin width).</param>
/// <param name="Counts">Scores in each of <see cref="Bins"/>.</param>
/// <param name="TopScores">Per face, its best score against this shard's other identities (−∞ where it holds none).</param>
[GenerateSerializer, Immutable, Alias("facegrains.impostor-histogram")]
public sealed record ImpostorHistogram(
    [property: Id(0), Immutable] int[] Bins,
    [property: Id(1), Immutable] long[] Counts,
    [property: Id(2)] long Total,
    [property: Id(3)] int Identities,
    [property: Id(4), Immutable] float[]? TopScores = null)
{
    public static ImpostorHistogram Empty { get; } = new([], [], 0, 0);
}
