namespace FaceGrains.Silo.Security;

/// <summary>One API key in configuration (<c>FaceGrains:ApiKeys:&lt;key id&gt;</c>): its role and the hash of the key, never the key.</summary>
public sealed class ApiKeyOptions
{
    /// <summary><c>admin</c> (enrol, remove, forget, models, dashboard; also everything a reader may) or <c>reader</c> (identify, verify, list).</summary>
    public string Role { get; set; } = "";

    /// <summary>Lowercase hex SHA-256 of the key (<c>facegrains keys new</c> prints it).</summary>
    public string Sha256 { get; set; } = "";
}

/// <summary>Requests per API key (<c>FaceGrains:RateLimit</c>): a token bucket per key, or per client address on an open silo.</summary>
public sealed class RateLimitOptions
{
    /// <summary>Tokens added per second; 0 turns rate limiting off.</summary>
    public int PermitsPerSecond { get; set; } = 50;

    /// <summary>Bucket size: the most requests a key may send at once after a quiet spell.</summary>
    public int Burst { get; set; } = 100;
}
