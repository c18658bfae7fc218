using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace FaceGrains.Silo.Security;

/// <summary>
/// Authenticates a request by its API key: the <c>X-API-Key</c> header, <c>Authorization: Bearer &lt;key&gt;</c> (metrics
/// scrapers), or <c>Authorization: Basic</c> with the key as password (a browser opening /dashboard prompts for it).
/// The principal's name is the key id and its role claims the key's role (an admin is also a reader). Refusals are
/// problem documents: 401 without a usable key, 403 when the key's role is not enough.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyRing ring, IProblemDetailsService problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (ring.IsOpen)
        {
            return Task.FromResult(Success(ApiKeyRing.OpenKeyId, ApiRoles.Admin));
        }

        var presented = Presented(Request);
        if (presented is null)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        return Task.FromResult(ring.Find(presented) is { } key
            ? Success(key.Id, key.Role)
            : AuthenticateResult.Fail("The API key is not one this silo knows."));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        var detail = result.Failure is not null
            ? $"The API key is not one this silo knows. Send a key in the {ApiRoles.KeyHeader} header."
            : $"This route needs an API key: send it in the {ApiRoles.KeyHeader} header (or Authorization: Bearer).";
        // Browsers prompt for Basic credentials; the dashboard is opened in a browser, the API by programs.
        Response.Headers.WWWAuthenticate = Request.Path.StartsWithSegments("/dashboard")
            ? "Basic realm=\"FaceGrains dashboard (password: an admin API key)\""
            : $"ApiKey header=\"{ApiRoles.KeyHeader}\"";
        await WriteProblemAsync(StatusCodes.Status401Unauthorized, "API key required", detail);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        var keyId = Context.User.Identity?.Name ?? "?";
        await WriteProblemAsync(StatusCodes.Status403Forbidden, "Admin key required",
            $"The key '{keyId}' is a reader key; enrolling, removing, forgetting and model changes need an admin key.");
    }

    private async Task WriteProblemAsync(int status, string title, string detail)
    {
        Response.StatusCode = status;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }

    private AuthenticateResult Success(string keyId, string role)
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, keyId), new(ClaimTypes.Role, ApiRoles.Reader) };
        if (role == ApiRoles.Admin)
        {
            claims.Add(new Claim(ClaimTypes.Role, ApiRoles.Admin));
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    /// <summary>The key a request presents, from the first of the places a key may be.</summary>
    private static string? Presented(HttpRequest request)
    {
        if (request.Headers.TryGetValue(ApiRoles.KeyHeader, out var header) && !string.IsNullOrWhiteSpace(header))
        {
            return header.ToString().Trim();
        }

        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return authorization["Bearer ".Length..].Trim();
        }

        if (authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var pair = Encoding.UTF8.GetString(Convert.FromBase64String(authorization["Basic ".Length..].Trim()));
                var colon = pair.IndexOf(':');
                return colon >= 0 ? pair[(colon + 1)..] : null;
            }
            catch (FormatException)
            {
                return null;
            }
        }

        return null;
    }
}
