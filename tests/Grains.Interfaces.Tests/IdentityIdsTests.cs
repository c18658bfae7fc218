using System.Globalization;
using System.Text;
using FaceGrains.Grains.Interfaces;
using Xunit;

namespace FaceGrains.Grains.Interfaces.Tests;

public sealed class IdentityIdsTests
{
    [Theory]
    [InlineData("alice")]
    [InlineData("Alice Smith")]
    [InlineData("George_W_Bush")]
    [InlineData("李小龍")]
    [InlineData("😀-emoji")]
    [InlineData("x")]
    public void Ordinary_ids_are_accepted_unchanged(string id)
    {
        Assert.Null(IdentityIds.Problem(id));
        Assert.Equal(id, IdentityIds.Normalize(id));
    }

    [Fact]
    public void Composed_and_decomposed_spellings_normalise_to_one_id()
    {
        const string composed = "Jos\u00E9";
        const string decomposed = "Jose\u0301";
        Assert.NotEqual(composed, decomposed);
        Assert.Equal(composed, IdentityIds.Normalize(decomposed));
        Assert.Equal(composed, IdentityIds.Normalize(composed));

        // Hangul jamo compose arithmetically; marks are put in canonical order before composing.
        Assert.Equal("\uD55C", IdentityIds.Normalize("\u1112\u1161\u11AB"));
        Assert.Equal("\u1EC7", IdentityIds.Normalize("e\u0302\u0323"));
        Assert.Equal("\u1EC7", IdentityIds.Normalize("e\u0323\u0302"));
    }

    [Theory]
    [InlineData(null, "empty")]
    [InlineData("", "empty")]
    [InlineData("   ", "blank")]
    [InlineData(" bob", "white space")]
    [InlineData("bob\t", "white space")]
    [InlineData("bo\u0007b", "control character (U+0007)")]
    [InlineData("bo\nb", "control character (U+000A)")]
    [InlineData("bo\u200Bb", "format character")]
    [InlineData("bo\u200Db", "format character")]
    [InlineData("\uFEFFbob", "format character")]
    [InlineData("bob\u202E", "format character")]
    [InlineData("bo\u2028b", "line or paragraph separator")]
    [InlineData("bo\uFFFDb", "replacement character")]
    public void Unusable_ids_are_refused_saying_why(string? id, string reason)
    {
        var problem = IdentityIds.Problem(id);
        Assert.NotNull(problem);
        Assert.Contains(reason, problem, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => IdentityIds.Normalize(id!));
    }

    [Fact]
    public void Unpaired_surrogates_are_refused()
    {
        // Not as InlineData: attribute strings are stored as UTF-8, where a lone surrogate turns into U+FFFD.
        foreach (var (id, unit) in new[] { ("bo\uD800b", "U+D800"), ("bob\uDC00", "U+DC00"), ("\uDE00\uD83D", "U+DE00") })
        {
            Assert.Contains($"unpaired surrogate ({unit}", IdentityIds.Problem(id), StringComparison.Ordinal);
            Assert.Throws<ArgumentException>(() => IdentityIds.Normalize(id));
        }
    }

    [Fact]
    public void Length_is_counted_after_normalisation()
    {
        Assert.Null(IdentityIds.Problem(new string('a', IdentityIds.MaxLength)));
        Assert.Contains("at most 128 characters", IdentityIds.Problem(new string('a', IdentityIds.MaxLength + 1)), StringComparison.Ordinal);

        // 100 decomposed é are 200 code units as sent but 100 as stored: accepted.
        var decomposed = string.Concat(Enumerable.Repeat("e\u0301", 100));
        Assert.Null(IdentityIds.Problem(decomposed));
        Assert.Equal(100, IdentityIds.Normalize(decomposed).Length);
    }

    [Fact]
    public void Every_single_code_point_normalises_as_ICU_does()
    {
        Assert.Equal("\u00E9", "e\u0301".Normalize()); // ICU is there: the oracle works
        var differences = new List<string>();
        for (var codePoint = 0; codePoint <= 0x10FFFF; codePoint++)
        {
            if (!Rune.IsValid(codePoint) || !KnownToOurData(codePoint))
            {
                continue;
            }

            var text = new Rune(codePoint).ToString();
            if (IdentityIds.Problem(text) is null && IdentityIds.Normalize(text) != text.Normalize(NormalizationForm.FormC))
            {
                differences.Add($"U+{codePoint:X4}");
            }
        }

        Assert.Empty(differences);
    }

    [Fact]
    public void Random_mark_sequences_normalise_as_ICU_does()
    {
        // Starters that compose, marks of several combining classes (including ones that block each other), Hangul jamo.
        string[] pieces =
        [
            "a", "e", "o", "u", "A", "\u00C5", "\u0391", "\u03B1", "\u0415", "\u0627", "\u0915", "\u0B47", "\u0B3E", "\u1100",
            "\u1161", "\u11A8", "\uAC00", "\u0300", "\u0301", "\u0302", "\u0308", "\u0323", "\u0327", "\u0328", "\u0345",
            "\u0313", "\u0314", "\u0342", "\u05B7", "\u05BC", "\u0653", "\u0654", "\u093C", "\u0F71", "\u0F72", "\u0344",
            "\u0958", "\u212B", "\u1E0A", "\u1E0C", "\u0307", "\u0338", "<", "=", "\u05D0", "\u3099", "\u304B", "\U0001D15E",
        ];
        var random = new Random(20240611);
        for (var n = 0; n < 20_000; n++)
        {
            var text = string.Concat(Enumerable.Range(0, random.Next(1, 8)).Select(_ => pieces[random.Next(pieces.Length)]));
            if (IdentityIds.Problem(text) is null)
            {
                var expected = text.Normalize(NormalizationForm.FormC);
                Assert.True(IdentityIds.Normalize(text) == expected, $"{Escape(text)}: ours {Escape(IdentityIds.Normalize(text))}, ICU {Escape(expected)}");
            }
        }
    }

    // ICU here may know a newer Unicode than our tables (14.0): characters this runtime's own tables do not know are skipped.
    private static bool KnownToOurData(int codePoint) =>
        CharUnicodeInfo.GetUnicodeCategory(codePoint) != UnicodeCategory.OtherNotAssigned;

    private static string Escape(string text) => string.Join(' ', text.EnumerateRunes().Select(r => $"U+{r.Value:X4}"));
}
