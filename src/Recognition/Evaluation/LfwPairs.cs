using System.Globalization;

namespace FaceGrains.Recognition.Evaluation;

/// <summary>
/// Reads the LFW View 2 <c>pairs.txt</c>: a header <c>folds pairsPerHalf</c> (10 300), then per fold
/// <c>pairsPerHalf</c> matched lines <c>name n1 n2</c> followed by as many mismatched lines <c>name1 n1 name2 n2</c>.
/// Image numbers are 1-based; image <c>n</c> of <c>Name</c> is <c>Name/Name_000n.jpg</c> (4-digit padded).
/// </summary>
public static class LfwPairs
{
    private const int MatchedFields = 3;
    private const int MismatchedFields = 4;
    private const int HeaderFields = 2;

    /// <summary>Zero-padding of the image number in LFW file names.</summary>
    private const string ImageNumberFormat = "D4";

    public static IReadOnlyList<LfwPair> Read(string pairsPath)
    {
        using var reader = new StreamReader(pairsPath);
        return Parse(reader, pairsPath);
    }

    /// <param name="source">Named in error messages (usually the file path).</param>
    public static IReadOnlyList<LfwPair> Parse(TextReader reader, string source)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var lineNumber = 1;
        var header = Fields(reader.ReadLine() ?? throw new LfwPairsFormatException(source, lineNumber, "the file is empty"));
        if (header.Length != HeaderFields
            || !TryPositive(header[0], out var folds)
            || !TryPositive(header[1], out var perHalf))
        {
            throw new LfwPairsFormatException(source, lineNumber, "expected a header 'folds pairsPerHalf' such as '10 300'");
        }

        var pairs = new List<LfwPair>(folds * perHalf * 2);
        for (var fold = 0; fold < folds; fold++)
        {
            foreach (var genuine in new[] { true, false })
            {
                for (var i = 0; i < perHalf; i++)
                {
                    lineNumber++;
                    var line = reader.ReadLine()
                        ?? throw new LfwPairsFormatException(source, lineNumber, $"the file ends early: expected {folds * perHalf * 2} pairs after the header, found {pairs.Count}");
                    pairs.Add(genuine ? Matched(line, fold, lineNumber, source) : Mismatched(line, fold, lineNumber, source));
                }
            }
        }

        for (string? rest; (rest = reader.ReadLine()) is not null;)
        {
            lineNumber++;
            if (!string.IsNullOrWhiteSpace(rest))
            {
                throw new LfwPairsFormatException(source, lineNumber, $"unexpected text after the {folds * perHalf * 2} pairs the header announced");
            }
        }

        return pairs;
    }

    /// <summary>Relative path of image <paramref name="number"/> (1-based) of <paramref name="name"/>.</summary>
    public static string ImagePath(string name, int number) =>
        $"{name}/{name}_{number.ToString(ImageNumberFormat, CultureInfo.InvariantCulture)}.jpg";

    private static LfwPair Matched(string line, int fold, int lineNumber, string source)
    {
        var f = Fields(line);
        if (f.Length != MatchedFields)
        {
            throw new LfwPairsFormatException(source, lineNumber, $"expected a matched pair 'name n1 n2', got '{line}'");
        }

        return new LfwPair(
            fold,
            ImagePath(f[0], ImageNumber(f[1], line, lineNumber, source)),
            ImagePath(f[0], ImageNumber(f[2], line, lineNumber, source)),
            Genuine: true,
            lineNumber);
    }

    private static LfwPair Mismatched(string line, int fold, int lineNumber, string source)
    {
        var f = Fields(line);
        if (f.Length != MismatchedFields)
        {
            throw new LfwPairsFormatException(source, lineNumber, $"expected a mismatched pair 'name1 n1 name2 n2', got '{line}'");
        }

        return new LfwPair(
            fold,
            ImagePath(f[0], ImageNumber(f[1], line, lineNumber, source)),
            ImagePath(f[2], ImageNumber(f[3], line, lineNumber, source)),
            Genuine: false,
            lineNumber);
    }

    private static int ImageNumber(string field, string line, int lineNumber, string source) =>
        TryPositive(field, out var number)
            ? number
            : throw new LfwPairsFormatException(source, lineNumber, $"'{field}' is not an image number (1, 2, ...) in '{line}'");

    private static bool TryPositive(string field, out int value) =>
        int.TryParse(field, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value > 0;

    private static string[] Fields(string line) =>
        line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
