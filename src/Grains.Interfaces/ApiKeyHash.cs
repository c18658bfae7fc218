using System.Security.Cryptography;
using System.Text;

namespace FaceGrains.Grains.Interfaces;

/// <summary>
/// API keys of the REST API: how one is made and the one way it is hashed. A silo's configuration holds only the hash
/// (<c>FaceGrains:ApiKeys:&lt;id&gt;:Sha256</c>); <c>facegrains keys new</c> prints a key once with the settings that admit it.
/// A key is 256 random bits, so one SHA-256 is enough: there is nothing to guess that a slow hash would protect.
/// </summary>
public static class ApiKeyHash
{
    /// <summary>Keys start with this, so that a leaked one is recognisable (secret scanners, logs).</summary>
    public const string Prefix = "fgk_";

    /// <summary>A new key: the prefix and 32 random bytes, base64url.</summary>
    public static string NewKey() =>
        Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The lowercase hex SHA-256 of the key's UTF-8 bytes: what the configuration stores.</summary>
    public static string Of(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>Whether <paramref name="hash"/> has the shape of <see cref="Of"/>'s answer (64 hex digits).</summary>
    public static bool IsHash(string? hash) => hash is { Length: 64 } && hash.All(Uri.IsHexDigit);
}
