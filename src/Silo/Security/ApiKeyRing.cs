using FaceGrains.Grains.Interfaces;

namespace FaceGrains.Silo.Security;

/// <summary>
/// The silo's API keys, looked up by the hash of the key a request presents. Without keys the ring is open: every request
/// is admitted as <see cref="OpenKeyId"/> with both roles (allowed only on a loopback-only silo).
/// </summary>
public sealed class ApiKeyRing
{
    /// <summary>The key id recorded (audit log, rate limit) for requests to an open silo.</summary>
    public const string OpenKeyId = "open";

    private readonly Dictionary<string, (string Id, string Role)> byHash;

    public ApiKeyRing(IReadOnlyDictionary<string, ApiKeyOptions> keys)
    {
        byHash = keys.ToDictionary(k => k.Value.Sha256.ToLowerInvariant(), k => (k.Key, k.Value.Role), StringComparer.Ordinal);
        AdminCount = keys.Count(k => k.Value.Role == ApiRoles.Admin);
        ReaderCount = keys.Count - AdminCount;
    }

    public bool IsOpen => byHash.Count == 0;

    public int AdminCount { get; }

    public int ReaderCount { get; }

    /// <summary>The key id and role of a presented key, or null when no configured key has its hash.</summary>
    public (string Id, string Role)? Find(string presented) =>
        byHash.TryGetValue(ApiKeyHash.Of(presented), out var key) ? key : null;
}
