using FaceGrains.Recognition.Evaluation;
using FaceGrains.TestSupport;
using Xunit;

namespace FaceGrains.Recognition.Tests.Evaluation;

public sealed class LfwPairsTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("facegrains-lfwpairs-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void Reads_a_small_two_fold_file()
    {
        var path = Write(
            "2\t2",
            "Abel_Pacheco\t1\t4",
            "Ann_Veneman 2 12",
            "AJ_Cook\t1\tAbel_Pacheco\t3",
            "Bob 10 Carl 123",
            "Dan\t1\t2",
            "Eve\t3\t4",
            "Fay\t1\tGus\t1",
            "Hal\t2\tIda\t1",
            "");

        var pairs = LfwPairs.Read(path);

        Assert.Equal(8, pairs.Count);
        Assert.Equal(new LfwPair(0, "Abel_Pacheco/Abel_Pacheco_0001.jpg", "Abel_Pacheco/Abel_Pacheco_0004.jpg", true, 2), pairs[0]);
        Assert.Equal(new LfwPair(0, "Ann_Veneman/Ann_Veneman_0002.jpg", "Ann_Veneman/Ann_Veneman_0012.jpg", true, 3), pairs[1]);
        Assert.Equal(new LfwPair(0, "AJ_Cook/AJ_Cook_0001.jpg", "Abel_Pacheco/Abel_Pacheco_0003.jpg", false, 4), pairs[2]);
        Assert.Equal(new LfwPair(0, "Bob/Bob_0010.jpg", "Carl/Carl_0123.jpg", false, 5), pairs[3]);
        Assert.Equal([1, 1, 1, 1], pairs.Skip(4).Select(p => p.Fold));
        Assert.Equal([true, true, false, false], pairs.Skip(4).Select(p => p.Genuine));
    }

    [Theory]
    [InlineData(3, "1\t2", "Abel\t1\t2", "Abel\t1", "A\t1\tB\t1", "C\t1\tD\t1")]
    [InlineData(4, "1\t2", "Abel\t1\t2", "Bea\t3\t4", "A\t0\tB\t1", "C\t1\tD\t1")]
    [InlineData(2, "1\t2", "Abel\tx\t2", "Bea\t3\t4", "A\t1\tB\t1", "C\t1\tD\t1")]
    [InlineData(1, "ten three hundred")]
    [InlineData(5, "1\t2", "Abel\t1\t2", "Bea\t3\t4", "A\t1\tB\t1")]
    [InlineData(5, "1\t1", "Abel\t1\t2", "A\t1\tB\t1", "", "extra")]
    public void Malformed_lines_are_reported_with_their_number(int badLine, params string[] lines)
    {
        var path = Write(lines);

        var error = Assert.Throws<LfwPairsFormatException>(() => LfwPairs.Read(path));

        Assert.Equal(badLine, error.LineNumber);
        Assert.Contains($"line {badLine}", error.Message, StringComparison.Ordinal);
    }

    [RequiresDataFact("lfw/pairs.txt")]
    public void Real_LFW_pairs_file_has_6000_pairs_in_10_folds()
    {
        var pairs = LfwPairs.Read(SharedData.PathOf("lfw", "pairs.txt"));

        Assert.Equal(6000, pairs.Count);
        Assert.Equal(3000, pairs.Count(p => p.Genuine));
        Assert.Equal(Enumerable.Range(0, 10), pairs.Select(p => p.Fold).Distinct().Order());
        Assert.All(pairs.GroupBy(p => p.Fold), g => Assert.Equal(600, g.Count()));
        Assert.True(File.Exists(SharedData.PathOf("lfw", pairs[0].FirstPath)), $"{pairs[0].FirstPath} should exist under lfw/");
    }

    private string Write(params string[] lines)
    {
        var path = Path.Combine(folder, "pairs.txt");
        File.WriteAllText(path, string.Join('\n', lines));
        return path;
    }
}
