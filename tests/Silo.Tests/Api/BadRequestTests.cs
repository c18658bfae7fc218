using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using FaceGrains.TestSupport;
using Xunit;

namespace FaceGrains.Silo.Tests.Api;

/// <summary>
/// Requests that are broken before any image is looked at: unreadable multipart bodies, too many parts, over-long or
/// unusable identity ids. Each is a 400 problem saying what was wrong, and nothing is created. One embedded silo
/// (SQLite state, real model, default request limits) serves every test of this class.
/// </summary>
[Collection(SiloCollection.Name)]
public sealed class BadRequestTests(BadRequestTests.Fixture fixture) : IClassFixture<BadRequestTests.Fixture>
{
    private const string Lfw = "lfw";
    private const int MaxFilesPerRequest = 64; // the default
    private const string Boundary = "facegrains-test-boundary";

    private static readonly string[] UploadRoutes = ["/identities/broken-body/faces", "/identify", "/verify"];

    private HttpClient Http => fixture.Silo!.Http;

    [RequiresModelTheory]
    [InlineData("empty")]
    [InlineData("empty-chunked")]
    [InlineData("garbage")]
    [InlineData("cut-off")]
    public async Task An_unreadable_multipart_body_is_400_on_every_upload_route(string kind)
    {
        foreach (var route in UploadRoutes)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, route) { Content = await BrokenBody(kind) };
            request.Headers.TransferEncodingChunked = kind == "empty-chunked"; // no Content-Length: the reader finds the end itself
            var response = await Http.SendAsync(request);
            var problem = await AssertProblem(response, HttpStatusCode.BadRequest, "multipart/form-data body");
            Assert.Equal("Malformed multipart body", problem.GetProperty("title").GetString());
        }

        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync("/identities/broken-body")).StatusCode);
        Assert.DoesNotContain("broken-body", await IdentityIdsInGallery());
    }

    [RequiresModelFact]
    public async Task More_files_than_MaxFilesPerRequest_is_400_too_many_files_not_413()
    {
        // 100 parts pass the form reader's own part limit (MaxFilesPerRequest + 16); 65 are counted by the API after reading.
        foreach (var count in new[] { 100, MaxFilesPerRequest + 1 })
        {
            foreach (var route in new[] { "/identities/many-files/faces", "/identify" })
            {
                var files = Enumerable.Range(0, count).Select(i => ("f", $"{i}.jpg", new byte[] { (byte)i })).ToArray();
                var problem = await AssertProblem(await Http.PostAsync(route, Multipart.Files(files)), HttpStatusCode.BadRequest, "FaceGrains:MaxFilesPerRequest");
                Assert.Equal("Too many files", problem.GetProperty("title").GetString());
                Assert.Contains($"at most {MaxFilesPerRequest} files", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            }
        }

        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync("/identities/many-files")).StatusCode);
    }

    [RequiresModelFact]
    public async Task A_10000_character_id_is_400_on_get_delete_and_post()
    {
        var id = new string('a', 10_000);
        await AssertProblem(await Http.GetAsync($"/identities/{id}"), HttpStatusCode.BadRequest, "at most 128 characters");
        await AssertProblem(await Http.DeleteAsync($"/identities/{id}"), HttpStatusCode.BadRequest, "at most 128 characters");
        var enrol = Multipart.Files(("f", "x.jpg", [1, 2, 3]));
        await AssertProblem(await Http.PostAsync($"/identities/{id}/faces", enrol), HttpStatusCode.BadRequest, "at most 128 characters");
        var verify = Multipart.Files(("p", "p.jpg", [1, 2, 3])).With("identity", id);
        await AssertProblem(await Http.PostAsync("/verify", verify), HttpStatusCode.BadRequest, "at most 128 characters");

        // Past FaceGrains:MaxRequestLineBytes (64 KiB) Kestrel itself answers, before routing: a bare 414, as the README says.
        var tooLong = await Http.GetAsync($"/identities/{new string('a', 70_000)}");
        Assert.Equal(HttpStatusCode.RequestUriTooLong, tooLong.StatusCode);
        Assert.Empty(await tooLong.Content.ReadAsByteArrayAsync());
    }

    [RequiresModelFact(Lfw)]
    public async Task Composed_and_decomposed_e_acute_enrol_into_one_identity()
    {
        const string composed = "Jos\u00E9";
        const string decomposed = "Jose\u0301";
        var images = Directory.GetFiles(SharedData.PathOf(Lfw, "Jennifer_Aniston")).Order(StringComparer.Ordinal).ToArray();

        using var first = new HttpRequestMessage(HttpMethod.Post, $"/identities/{Uri.EscapeDataString(composed)}/faces")
        {
            Content = Multipart.Files(("f", "1.jpg", File.ReadAllBytes(images[0]))),
        };
        using var second = new HttpRequestMessage(HttpMethod.Post, $"/identities/{Uri.EscapeDataString(decomposed)}/faces")
        {
            Content = Multipart.Files(("f", "2.jpg", File.ReadAllBytes(images[1]))),
        };
        Assert.Equal(HttpStatusCode.OK, (await Http.SendAsync(first)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Http.SendAsync(second)).StatusCode);

        // The two spellings really went over the wire (the client normalises nothing).
        Assert.Contains("Jos%C3%A9", first.RequestUri!.AbsoluteUri, StringComparison.Ordinal);
        Assert.Contains("Jose%CC%81", second.RequestUri!.AbsoluteUri, StringComparison.Ordinal);

        foreach (var spelling in new[] { composed, decomposed })
        {
            var view = await Http.GetFromJsonAsync<JsonElement>($"/identities/{Uri.EscapeDataString(spelling)}");
            Assert.Equal(composed, view.GetProperty("id").GetString());
            Assert.Equal(2, view.GetProperty("faces").GetArrayLength());
        }

        Assert.Equal([composed], (await IdentityIdsInGallery()).Where(i => i.StartsWith("Jos", StringComparison.Ordinal)));

        var verify = Multipart.Files(("p", "p.jpg", File.ReadAllBytes(images[2]))).With("identity", decomposed);
        Assert.Equal(HttpStatusCode.OK, (await Http.PostAsync("/verify", verify)).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await Http.DeleteAsync($"/identities/{Uri.EscapeDataString(decomposed)}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync($"/identities/{Uri.EscapeDataString(composed)}")).StatusCode);
    }

    [RequiresModelFact]
    public async Task Zero_width_control_and_padded_ids_are_400_and_create_nothing()
    {
        var enrol = Multipart.Files(("f", "x.jpg", [1, 2, 3]));
        await AssertProblem(await Http.PostAsync("/identities/in%E2%80%8Bvisible/faces", enrol), HttpStatusCode.BadRequest, "format character (U+200B)");
        await AssertProblem(await Http.GetAsync("/identities/in%E2%80%8Bvisible"), HttpStatusCode.BadRequest, "format character (U+200B)");
        await AssertProblem(await Http.GetAsync("/identities/bell%07"), HttpStatusCode.BadRequest, "control character (U+0007)");
        await AssertProblem(await Http.DeleteAsync("/identities/bell%07"), HttpStatusCode.BadRequest, "control character (U+0007)");
        await AssertProblem(await Http.GetAsync("/identities/%20padded"), HttpStatusCode.BadRequest, "white space");
        var verify = Multipart.Files(("p", "p.jpg", [1, 2, 3])).With("identity", "in\u200Dvisible");
        await AssertProblem(await Http.PostAsync("/verify", verify), HttpStatusCode.BadRequest, "format character (U+200D)");

        Assert.DoesNotContain(await IdentityIdsInGallery(), i => i.Contains("visible", StringComparison.Ordinal));
    }

    /// <summary>A body the multipart reader cannot finish, under a Content-Type that names a boundary.</summary>
    private static async Task<HttpContent> BrokenBody(string kind)
    {
        byte[] bytes;
        switch (kind)
        {
            case "empty" or "empty-chunked":
                bytes = [];
                break;
            case "garbage":
                bytes = new byte[4096];
                new Random(7).NextBytes(bytes);
                break;
            default:
                // A well-formed body whose image part stops half-way, with no closing boundary.
                using (var whole = new MultipartFormDataContent(Boundary) { { new ByteArrayContent(new byte[2000]), "f", "cut.jpg" } })
                {
                    var all = await whole.ReadAsByteArrayAsync();
                    bytes = all[..(all.Length / 2)];
                }

                break;
        }

        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse($"multipart/form-data; boundary={Boundary}");
        return content;
    }

    private async Task<List<string>> IdentityIdsInGallery() =>
        (await Http.GetFromJsonAsync<JsonElement>("/identities")).GetProperty("identities").EnumerateArray().Select(i => i.GetProperty("id").GetString()!).ToList();

    private static async Task<JsonElement> AssertProblem(HttpResponseMessage response, HttpStatusCode status, string detailContains)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonSerializer.Deserialize<JsonElement>(text);
        Assert.Contains(detailContains, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        return problem;
    }

    public sealed class Fixture : IAsyncLifetime
    {
        private readonly string? home = TestModels.UnavailableReason() is null ? TestSilo.NewHome() : null;

        public TestSilo? Silo { get; private set; }

        public async Task InitializeAsync()
        {
            if (home is not null)
            {
                Silo = await TestSilo.StartAsync(home, "--FaceGrains:Gallery:ShardCount=4");
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
