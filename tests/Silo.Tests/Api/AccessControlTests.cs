using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using FaceGrains.Grains.Interfaces;
using FaceGrains.Silo.Security;
using FaceGrains.TestSupport;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace FaceGrains.Silo.Tests.Api;

/// <summary>
/// API keys, roles, the audit log and the rate limit on a real silo with two keys (admin "ops", reader "app") and a
/// small bucket (burst 40, 2 per second).
/// </summary>
[Collection(SiloCollection.Name)]
public sealed class AccessControlTests(AccessControlTests.Fixture fixture) : IClassFixture<AccessControlTests.Fixture>
{
    private const string Lfw = "lfw";

    /// <summary>Every route that changes the gallery or the models, with a body where it needs one.</summary>
    public static TheoryData<string, string> MutatingRoutes => new()
    {
        { "POST", "/identities/someone/faces" },
        { "DELETE", "/identities/someone" },
        { "DELETE", "/identities/someone/faces/abc" },
        { "POST", "/models/abc/activate" },
        { "POST", "/models/migration/cancel" },
        { "POST", "/models/rollback" },
        { "POST", "/models/abc/retire" },
    };

    [RequiresModelTheory(Lfw)]
    [MemberData(nameof(MutatingRoutes))]
    public async Task Mutating_routes_are_401_without_a_key_and_403_with_a_reader_key(string method, string path)
    {
        var anonymous = await fixture.SendAsync(method, path, key: null);
        await AssertProblem(anonymous, HttpStatusCode.Unauthorized, ApiRoles.KeyHeader);
        Assert.Contains("X-API-Key", anonymous.Headers.WwwAuthenticate.ToString());

        await AssertProblem(await fixture.SendAsync(method, path, "fgk_not-a-key-this-silo-knows"), HttpStatusCode.Unauthorized, "not one this silo knows");
        await AssertProblem(await fixture.SendAsync(method, path, fixture.ReaderKey), HttpStatusCode.Forbidden, "admin key");

        var admin = await fixture.SendAsync(method, path, fixture.AdminKey);
        Assert.True(admin.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden), $"{method} {path} with the admin key: {(int)admin.StatusCode}");
    }

    [RequiresModelFact(Lfw)]
    public async Task Reads_need_a_reader_or_admin_key_and_health_and_the_api_documents_need_none()
    {
        foreach (var path in new[] { "/identities", "/identities/nobody", "/models", "/models/migration", "/gallery/stats", "/metrics" })
        {
            await AssertProblem(await fixture.SendAsync("GET", path, key: null), HttpStatusCode.Unauthorized, "needs an API key");
            Assert.NotEqual(HttpStatusCode.Unauthorized, (await fixture.SendAsync("GET", path, fixture.ReaderKey)).StatusCode);
            Assert.NotEqual(HttpStatusCode.Unauthorized, (await fixture.SendAsync("GET", path, fixture.AdminKey)).StatusCode);
        }

        await AssertProblem(await fixture.SendAsync("POST", "/identify", key: null), HttpStatusCode.Unauthorized, "needs an API key");
        await AssertProblem(await fixture.SendAsync("POST", "/verify", key: null), HttpStatusCode.Unauthorized, "needs an API key");
        foreach (var path in new[] { "/health", "/openapi/v1.json", "/api/" })
        {
            Assert.Equal(HttpStatusCode.OK, (await fixture.SendAsync("GET", path, key: null)).StatusCode);
        }

        // A bearer token (a metrics scraper) is a key too.
        using var bearer = new HttpRequestMessage(HttpMethod.Get, "/identities");
        bearer.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fixture.ReaderKey);
        Assert.Equal(HttpStatusCode.OK, (await fixture.Silo!.Http.SendAsync(bearer)).StatusCode);
    }

    [RequiresModelFact(Lfw)]
    public async Task The_dashboard_asks_a_browser_for_an_admin_key()
    {
        var anonymous = await fixture.SendAsync("GET", "/dashboard", key: null);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.StartsWith("Basic", anonymous.Headers.WwwAuthenticate.ToString());
        Assert.Equal(HttpStatusCode.Forbidden, (await fixture.SendAsync("GET", "/dashboard", fixture.ReaderKey)).StatusCode);

        using var basic = new HttpRequestMessage(HttpMethod.Get, "/dashboard/");
        basic.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("operator:"u8.ToArray().Concat(System.Text.Encoding.UTF8.GetBytes(fixture.AdminKey)).ToArray()));
        Assert.Equal(HttpStatusCode.OK, (await fixture.Silo!.Http.SendAsync(basic)).StatusCode);
    }

    [RequiresModelFact(Lfw)]
    public async Task Every_change_is_in_the_audit_log_with_the_key_id()
    {
        var enrol = Multipart.Files(("f", "p.jpg", Image("Colin_Powell", 0))).With("display_name", "Colin Powell");
        Assert.Equal(HttpStatusCode.OK, (await fixture.SendAsync("POST", "/identities/audited/faces", fixture.AdminKey, enrol)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await fixture.SendAsync("DELETE", "/identities/audited", fixture.AdminKey)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await fixture.SendAsync("POST", "/models/rollback", fixture.AdminKey)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await fixture.SendAsync("DELETE", "/identities/audited", fixture.ReaderKey)).StatusCode);

        Assert.Equal(HttpStatusCode.BadRequest, (await fixture.SendAsync("POST", "/models/no-such-version/retire", fixture.AdminKey)).StatusCode);

        // An entry is written once its answer has gone out, so it may trail the answer by a moment.
        var log = fixture.Silo!.Services.GetRequiredService<AuditLog>();
        List<JsonElement> entries = [], mine = [];
        for (var wait = 0; wait < 50 && mine.Count < 4; wait++, await Task.Delay(100))
        {
            entries = (await File.ReadAllLinesAsync(log.Path)).Select(l => JsonSerializer.Deserialize<JsonElement>(l)).ToList();
            mine = entries.Where(e => e.GetProperty("target").GetString() is "audited" or "no-such-version" || e.GetProperty("action").GetString() == "model_rollback").ToList();
        }

        // The status is the one the client got, also when the exception handler answered (an unknown version: 400).
        Assert.Contains(mine, e => Is(e, "model_retire", "no-such-version", 400));
        Assert.Contains(mine, e => Is(e, "enrol", "audited", 200) && e.GetProperty("detail").GetString()!.StartsWith("1 accepted"));
        Assert.Contains(mine, e => Is(e, "forget", "audited", 204));
        Assert.Contains(mine, e => Is(e, "model_rollback", "", 409));
        // The refused call never reached the route: nothing changed, nothing to audit.
        Assert.DoesNotContain(entries, e => e.GetProperty("key_id").GetString() == "app");
        Assert.All(mine, e => Assert.True(DateTimeOffset.UtcNow - e.GetProperty("time_utc").GetDateTimeOffset() < TimeSpan.FromMinutes(5)));

        static bool Is(JsonElement e, string action, string target, int status) =>
            e.GetProperty("key_id").GetString() == "ops" && e.GetProperty("action").GetString() == action
            && e.GetProperty("target").GetString() == target && e.GetProperty("status").GetInt32() == status;
    }

    [RequiresModelFact(Lfw)]
    public async Task A_burst_beyond_the_limit_is_429_with_retry_after_and_other_keys_still_get_answers()
    {
        var statuses = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => fixture.SendAsync("GET", "/identities", fixture.BurstKey)));
        var refused = statuses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.NotEmpty(refused);
        Assert.True(refused[0].Headers.RetryAfter?.Delta is { TotalSeconds: >= 1 }, "429 without Retry-After");
        await AssertProblem(refused[0], HttpStatusCode.TooManyRequests, "key 'burst'");
        Assert.Contains(statuses, r => r.StatusCode == HttpStatusCode.OK);

        Assert.Equal(HttpStatusCode.OK, (await fixture.SendAsync("GET", "/identities", fixture.ReaderKey)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await fixture.SendAsync("GET", "/health", key: null)).StatusCode);
    }

    /// <summary>A route added later without saying who may call it would be open: every endpoint must say.</summary>
    [RequiresModelFact(Lfw)]
    public void Every_endpoint_names_a_role_or_is_deliberately_open()
    {
        var endpoints = fixture.Silo!.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        Assert.NotEmpty(endpoints);
        var open = endpoints.Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is not null).Select(e => e.RoutePattern.RawText).ToList();
        var unspecified = endpoints.Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is null && e.Metadata.GetOrderedMetadata<IAuthorizeData>().Count == 0)
            .Select(e => e.RoutePattern.RawText).ToList();
        Assert.Empty(unspecified);
        Assert.Contains("/health", open);
    }

    private static byte[] Image(string person, int index) =>
        File.ReadAllBytes(Directory.GetFiles(SharedData.PathOf(Lfw, person)).Order(StringComparer.Ordinal).ElementAt(index));

    private static async Task AssertProblem(HttpResponseMessage response, HttpStatusCode status, string detailContains)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(detailContains, JsonSerializer.Deserialize<JsonElement>(text).GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    public sealed class Fixture : IAsyncLifetime
    {
        private readonly string? home = TestModels.UnavailableReason() is null && SharedData.Has(Lfw) ? TestSilo.NewHome() : null;

        public string AdminKey { get; } = ApiKeyHash.NewKey();

        public string ReaderKey { get; } = ApiKeyHash.NewKey();

        /// <summary>A reader key of its own for the burst, so that its empty bucket slows no other test.</summary>
        public string BurstKey { get; } = ApiKeyHash.NewKey();

        public TestSilo? Silo { get; private set; }

        public async Task<HttpResponseMessage> SendAsync(string method, string path, string? key, HttpContent? content = null)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = content };
            if (key is not null)
            {
                request.Headers.Add(ApiRoles.KeyHeader, key);
            }

            var response = await Silo!.Http.SendAsync(request);
            await response.Content.LoadIntoBufferAsync();
            return response;
        }

        public async Task InitializeAsync()
        {
            if (home is not null)
            {
                Silo = await TestSilo.StartAsync(
                    home,
                    "--FaceGrains:Dashboard=true",
                    "--FaceGrains:ApiKeys:ops:Role=admin",
                    $"--FaceGrains:ApiKeys:ops:Sha256={ApiKeyHash.Of(AdminKey)}",
                    "--FaceGrains:ApiKeys:app:Role=reader",
                    $"--FaceGrains:ApiKeys:app:Sha256={ApiKeyHash.Of(ReaderKey)}",
                    "--FaceGrains:ApiKeys:burst:Role=reader",
                    $"--FaceGrains:ApiKeys:burst:Sha256={ApiKeyHash.Of(BurstKey)}",
                    "--FaceGrains:RateLimit:Burst=40",
                    "--FaceGrains:RateLimit:PermitsPerSecond=2");
            }
        }

        public async Task DisposeAsync()
        {
            if (Silo is not null)
            {
                await Silo.DisposeAsync();
            }

            if (home is not null)
            {
                TestSilo.DeleteHome(home);
            }
        }
    }
}
