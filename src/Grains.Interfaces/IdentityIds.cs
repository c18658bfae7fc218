using System.Globalization;
using System.Text;

namespace FaceGrains.Grains.Interfaces;

/// <summary>
/// What an identity id may be, one rule for the REST API and the command line (the grains take any string key, so the
/// callers keep it). Ids are compared in Unicode NFC, so a composed "é" (U+00E9) and "e" + U+0301 name one person.
/// After normalisation an id has 1–128 UTF-16 code units, no white space at either end, and nothing invisible or
/// broken: no control (Cc) or format (Cf: zero-width space, joiners, byte-order mark, bidi controls…) characters, no
/// line or paragraph separators, no unpaired surrogates and no U+FFFD (the trace of bytes that were not UTF-8).
/// </summary>
public static class IdentityIds
{
    public const int MaxLength = 128;

    /// <summary>Why <paramref name="id"/> cannot be an identity id (one sentence), or null when it can.</summary>
    public static string? Problem(string? id)
    {
        if (string.IsNullOrEmpty(id))
        {
            return "The identity id is empty.";
        }

        for (var i = 0; i < id.Length; i++)
        {
            if (!Rune.TryGetRuneAt(id, i, out var rune))
            {
                return $"The identity id contains an unpaired surrogate (U+{(int)id[i]:X4} at index {i}); it is not valid Unicode text.";
            }

            i += rune.Utf16SequenceLength - 1;
        }

        var normalized = UnicodeNfc.Normalize(id);
        if (normalized.Length > MaxLength)
        {
            return $"The identity id is {normalized.Length} characters long; at most {MaxLength} characters are allowed.";
        }

        if (string.IsNullOrWhiteSpace(normalized))
        {
            return "The identity id is blank.";
        }

        if (char.IsWhiteSpace(normalized[0]) || char.IsWhiteSpace(normalized[^1]))
        {
            return "The identity id starts or ends with white space.";
        }

        foreach (var rune in normalized.EnumerateRunes())
        {
            var (refused, why) = Rune.GetUnicodeCategory(rune) switch
            {
                UnicodeCategory.Control => ("a control character", ""),
                UnicodeCategory.Format => ("an invisible format character", ": zero-width characters, joiners, byte-order marks and bidi controls are not allowed"),
                UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator => ("a line or paragraph separator", ""),
                _ when rune == Rune.ReplacementChar => ("the replacement character", ", left where bytes were not valid UTF-8"),
                _ => (null, null),
            };
            if (refused is not null)
            {
                return $"The identity id contains {refused} (U+{rune.Value:X4}){why}.";
            }
        }

        return null;
    }

    /// <summary>The id as the gallery keys it: its NFC form. Throws <see cref="ArgumentException"/> when <see cref="Problem"/> is not null.</summary>
    public static string Normalize(string id) =>
        Problem(id) is { } problem ? throw new ArgumentException(problem, nameof(id)) : UnicodeNfc.Normalize(id);

    /// <summary>Search text as listings compare it with ids and names: trimmed, NFC (so a decomposed "é" finds "José").</summary>
    public static string NormalizeSearch(string text) => UnicodeNfc.Normalize(text.Trim());
}
