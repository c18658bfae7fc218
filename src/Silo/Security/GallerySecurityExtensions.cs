using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using FaceGrains.Recognition;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.RateLimiting;

namespace FaceGrains.Silo.Security;

/// <summary>
/// Who may call the API and how often: API keys (authentication scheme <see cref="ApiKeyAuthenticationHandler.SchemeName"/>,
/// policies <see cref="ApiRoles.Admin"/> and <see cref="ApiRoles.Reader"/>), a token bucket per key, and the audit log.
/// A silo without keys is open, which it allows only when every address it listens on is a loopback address.
/// </summary>
public static class GallerySecurityExtensions
{
    public static WebApplicationBuilder AddGallerySecurity(this WebApplicationBuilder builder, SiloOptions options)
    {
        var ring = new ApiKeyRing(options.ApiKeys);
        if (ring.IsOpen && NonLoopbackUrls(builder.Configuration).FirstOrDefault() is { } exposed)
        {
            throw new SiloStartupException(
                $"the API listens on {exposed}, which is not a loopback address, and no API keys are configured: anyone who can reach it could enrol, " +
                "forget and change models. Configure keys (facegrains keys new <id> --role admin prints the settings) or listen on 127.0.0.1 only.");
        }

        builder.Services.AddSingleton(ring);
        builder.Services.AddSingleton(sp =>
        {
            var home = sp.GetRequiredService<FaceGrainsHome>();
            return new AuditLog(options.AuditLog.Length > 0 ? options.AuditLog : Path.Combine(home.Root, "audit.jsonl"));
        });
        builder.Services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorization(auth =>
        {
            auth.AddPolicy(ApiRoles.Admin, policy => policy.RequireAuthenticatedUser().RequireRole(ApiRoles.Admin));
            auth.AddPolicy(ApiRoles.Reader, policy => policy.RequireAuthenticatedUser().RequireRole(ApiRoles.Reader));
        });
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = RejectAsync;
            if (options.RateLimit.PermitsPerSecond > 0)
            {
                limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
                    RateLimitPartition.GetTokenBucketLimiter(PartitionOf(http), _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = options.RateLimit.Burst,
                        TokensPerPeriod = options.RateLimit.PermitsPerSecond,
                        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                        QueueLimit = 0,
                        AutoReplenishment = true,
                    }));
            }
        });
        return builder;
    }

    /// <summary>Authentication, then the rate limit (which needs the key id), then authorization.</summary>
    public static WebApplication UseGallerySecurity(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        return app;
    }

    /// <summary>The banner's line about access: open (and why that is allowed) or how many keys of each role.</summary>
    public static string Describe(ApiKeyRing ring) => ring.IsOpen
        ? "API keys: none configured, so every route is OPEN to anyone who can reach this loopback address (configure FaceGrains:ApiKeys before listening on any other address)"
        : $"API keys: {ring.AdminCount} admin, {ring.ReaderCount} reader; requests without a key are refused (401)";

    /// <summary>The rate limit's bucket: the key id once authenticated, else the client's address (open silo, or no key).</summary>
    private static string PartitionOf(HttpContext http) =>
        http.User.Identity is { IsAuthenticated: true, Name: { } keyId } && keyId != ApiKeyRing.OpenKeyId
            ? "key:" + keyId
            : "address:" + http.Connection.RemoteIpAddress;

    private static async ValueTask RejectAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var http = context.HttpContext;
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 1;
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        var who = http.User.Identity?.Name is { } id && id != ApiKeyRing.OpenKeyId ? $"key '{id}'" : $"address {http.Connection.RemoteIpAddress}";
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails =
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests",
                Detail = $"The {who} sent more requests than FaceGrains:RateLimit allows; retry after {retryAfter} s.",
            },
        });
    }

    /// <summary>The configured URLs (Urls / ASPNETCORE_URLS, Kestrel:Endpoints) whose host is not a loopback address.</summary>
    internal static IEnumerable<string> NonLoopbackUrls(IConfiguration configuration)
    {
        var urls = (configuration["urls"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Concat(configuration.GetSection("Kestrel:Endpoints").GetChildren().Select(e => e["Url"]).OfType<string>());
        return urls.Where(url => !IsLoopback(url));
    }

    private static bool IsLoopback(string url)
    {
        // "http://*:80" and "http://+:80" are not URIs; they mean every interface.
        var hostStart = url.IndexOf("://", StringComparison.Ordinal) is var i and >= 0 ? i + 3 : 0;
        var rest = url[hostStart..];
        var host = rest.StartsWith('[') ? rest[..(rest.IndexOf(']') + 1)] : rest.Split(':', '/')[0];
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address);
    }
}
