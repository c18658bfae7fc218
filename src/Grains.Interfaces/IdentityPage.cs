using System.Text;

namespace FaceGrains.Grains.Interfaces;

/// <summary>
/// One page of the identity listing: identities in id order (ordinal) after a cursor, optionally only those whose id or
/// display name contains <see cref="Search"/> (case-insensitive).
/// </summary>
/// <param name="After">Cursor from the previous page's <see cref="IdentityPage.NextCursor"/>; null for the first page.</param>
/// <param name="Limit">Most identities in the page (1–<see cref="MaxLimit"/>).</param>
[GenerateSerializer, Immutable, Alias("facegrains.identity-page-request")]
public sealed record IdentityPageRequest(
    [property: Id(0)] string? After = null,
    [property: Id(1)] int Limit = IdentityPageRequest.DefaultLimit,
    [property: Id(2)] string? Search = null)
{
    public const int DefaultLimit = 100;

    public const int MaxLimit = 1000;

    /// <summary>The id a cursor stands for (cursors are base64url of the last id's UTF-8, so any id travels in a URL), or null when it is not a cursor.</summary>
    public static string? IdOfCursor(string cursor)
    {
        try
        {
            var base64 = cursor.Replace('-', '+').Replace('_', '/');
            base64 += new string('=', (4 - (base64.Length % 4)) % 4);
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Convert.FromBase64String(base64));
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            return null;
        }
    }

    public static string CursorOf(string id) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(id)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Whether an identity belongs in a listing with this search.</summary>
    public bool Matches(IdentitySummary identity) =>
        string.IsNullOrEmpty(Search)
        || identity.Id.Contains(Search, StringComparison.OrdinalIgnoreCase)
        || identity.DisplayName.Contains(Search, StringComparison.OrdinalIgnoreCase);
}

/// <param name="Identities">At most the request's limit, in id order.</param>
/// <param name="NextCursor">Pass as <c>after</c> for the next page; null on the last page.</param>
[GenerateSerializer, Immutable, Alias("facegrains.identity-page")]
public sealed record IdentityPage(
    [property: Id(0)] IReadOnlyList<IdentitySummary> Identities,
    [property: Id(1)] string? NextCursor);
