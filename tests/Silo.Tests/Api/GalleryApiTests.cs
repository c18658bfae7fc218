using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FaceGrains.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace FaceGrains.Silo.Tests.Api;

/// <summary>
/// Bad input through the REST API: each case is answered with a clear 4xx problem and leaves the gallery as it was.
/// One embedded silo (SQLite state, real model) serves every test of this class.
/// </summary>
[Collection(SiloCollection.Name)]
public sealed class GalleryApiTests(GalleryApiTests.Fixture fixture) : IClassFixture<GalleryApiTests.Fixture>
{
    private const string Lfw = "lfw";
    private const long MaxRequestBytes = 512 * 1024;

    private HttpClient Http => fixture.Silo!.Http;

    [RequiresModelFact(Lfw)]
    public async Task Unknown_identity_is_404_for_show_forget_and_verify()
    {
        await AssertProblem(await Http.GetAsync("/identities/nobody-here"), HttpStatusCode.NotFound, "nobody-here");
        await AssertProblem(await Http.DeleteAsync("/identities/nobody-here"), HttpStatusCode.NotFound, "nothing was removed");
        var verify = Multipart.Files(("probe", "p.jpg", Image("Colin_Powell", 0))).With("identity", "nobody-here");
        await AssertProblem(await Http.PostAsync("/verify", verify), HttpStatusCode.NotFound, "nobody-here");
    }

    [RequiresModelFact(Lfw)]
    public async Task Empty_and_corrupt_images_are_refused_per_image_and_create_nothing()
    {
        var body = Multipart.Files(("f", "empty.jpg", []), ("f", "corrupt.jpg", [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 4]), ("f", "text.jpg", "hello"u8.ToArray()));
        var response = await Http.PostAsync("/identities/ghost/faces", body);
        var problem = await AssertProblem(response, HttpStatusCode.UnprocessableEntity, "No face enrolled");
        var statuses = problem.GetProperty("faces").EnumerateArray().Select(f => f.GetProperty("status").GetString()).ToList();
        Assert.Equal(["empty", "truncated", "undecodable"], statuses);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync("/identities/ghost")).StatusCode);
    }

    [RequiresModelFact(Lfw)]
    public async Task A_corrupt_probe_gets_a_rejected_answer_beside_the_good_ones()
    {
        var body = Multipart.Files(("p", "good.jpg", Image("George_W_Bush", 7)), ("p", "bad.jpg", "not an image"u8.ToArray()));
        var response = await Http.PostAsync("/identify", body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answers = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("answers").EnumerateArray().ToList();
        Assert.Equal(2, answers.Count);
        Assert.Equal(JsonValueKind.Null, answers[0].GetProperty("rejection").ValueKind);
        Assert.NotEmpty(answers[0].GetProperty("faces").EnumerateArray());
        Assert.Empty(answers[1].GetProperty("faces").EnumerateArray());
        Assert.Equal("undecodable", answers[1].GetProperty("rejection").GetProperty("status").GetString());

        var onlyBad = await Http.PostAsync("/identify", Multipart.Files(("p", "bad.jpg", "x"u8.ToArray())));
        await AssertProblem(onlyBad, HttpStatusCode.UnprocessableEntity, "No probe image could be used");
    }

    [RequiresModelFact(Lfw)]
    public async Task An_oversized_request_is_413_and_enrols_nothing()
    {
        // Many times the limit, so that the client is still sending when the server answers. Like curl, the request asks
        // "Expect: 100-continue": the silo refuses from the Content-Length alone and the body is never sent. Without it,
        // Kestrel answers 413 and closes while the body is in flight, and whether the client reads the answer before its
        // write fails is a race (it failed in CI).
        var big = new byte[MaxRequestBytes * 32];
        Image("Colin_Powell", 1).CopyTo(big, 0);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/identities/too-big/faces") { Content = Multipart.Files(("f", "big.jpg", big)) };
        request.Headers.ExpectContinue = true;
        var response = await Http.SendAsync(request);
        await AssertProblem(response, HttpStatusCode.RequestEntityTooLarge, "MaxRequestBytes");
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync("/identities/too-big")).StatusCode);
    }

    [RequiresModelFact(Lfw)]
    public async Task Wrong_content_type_is_415_with_what_to_send()
    {
        var json = new StringContent("{\"image\":\"...\"}", System.Text.Encoding.UTF8, "application/json");
        await AssertProblem(await Http.PostAsync("/identities/json-person/faces", json), HttpStatusCode.UnsupportedMediaType, "multipart/form-data");
        await AssertProblem(await Http.PostAsync("/identify", new StringContent("x")), HttpStatusCode.UnsupportedMediaType, "multipart/form-data");
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync("/identities/json-person")).StatusCode);
    }

    [RequiresModelFact(Lfw)]
    public async Task A_request_without_files_and_bad_query_values_are_400()
    {
        var noFiles = new MultipartFormDataContent().With("display_name", "x");
        await AssertProblem(await Http.PostAsync("/identities/nofiles/faces", noFiles), HttpStatusCode.BadRequest, "no file parts");
        var probe = Multipart.Files(("p", "p.jpg", Image("Colin_Powell", 2)));
        await AssertProblem(await Http.PostAsync("/identify?target_fpir=2", probe), HttpStatusCode.BadRequest, "target_fpir");
        await AssertProblem(await Http.PostAsync("/identify?target_fpir=0.01&threshold=0.9", Multipart.Files(("p", "p.jpg", Image("Colin_Powell", 2)))), HttpStatusCode.BadRequest, "not both");
        await AssertProblem(await Http.PostAsync("/verify", Multipart.Files(("a", "a.jpg", Image("Colin_Powell", 2)))), HttpStatusCode.BadRequest, "two image parts");
    }

    [RequiresModelFact(Lfw)]
    public async Task A_duplicate_face_is_a_no_op_and_the_same_face_under_another_identity_is_409()
    {
        var face = Image("Tony_Blair", 0);
        var first = await Http.PostAsync("/identities/blair/faces", Multipart.Files(("f", "a.jpg", face)));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var again = await Http.PostAsync("/identities/blair/faces", Multipart.Files(("f", "a.jpg", face)));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var outcome = (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("faces")[0];
        Assert.Equal("duplicate", outcome.GetProperty("status").GetString());

        var other = await Http.PostAsync("/identities/not-blair/faces", Multipart.Files(("f", "a.jpg", face)));
        var problem = await AssertProblem(other, HttpStatusCode.Conflict, "blair");
        Assert.Equal("blair", problem.GetProperty("faces")[0].GetProperty("conflicting_identity_id").GetString());

        Assert.Equal(1, await FaceCount("blair"));
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync("/identities/not-blair")).StatusCode);
    }

    [RequiresModelFact(Lfw)]
    public async Task Concurrent_enrolments_to_one_identity_lose_no_face()
    {
        const int requests = 8;
        var responses = await Task.WhenAll(Enumerable.Range(0, requests).Select(i =>
            Http.PostAsync("/identities/busy/faces", Multipart.Files(("f", $"{i}.jpg", Image("Gerhard_Schroeder", i))))));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(requests, await FaceCount("busy"));
    }

    [RequiresModelFact(Lfw)]
    public async Task Enrol_show_list_forget_round_trip()
    {
        var response = await Http.PostAsync("/identities/powell/faces",
            Multipart.Files(("f", "1.jpg", Image("Colin_Powell", 3)), ("f", "2.jpg", Image("Colin_Powell", 4))).With("display_name", "Colin Powell"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var view = await Http.GetFromJsonAsync<JsonElement>("/identities/powell");
        Assert.Equal("Colin Powell", view.GetProperty("display_name").GetString());
        var list = (await Http.GetFromJsonAsync<JsonElement>("/identities")).GetProperty("identities");
        Assert.Contains(list.EnumerateArray(), i => i.GetProperty("id").GetString() == "powell");
        Assert.Equal(HttpStatusCode.NoContent, (await Http.DeleteAsync("/identities/powell")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync("/identities/powell")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync("/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync("/openapi/v1.json")).StatusCode);
    }

    [RequiresModelFact(Lfw)]
    public async Task The_identity_listing_is_paged_by_cursor_and_searchable()
    {
        var grains = fixture.Silo!.Services.GetRequiredService<Orleans.IGrainFactory>();
        var random = new Random(5);
        var ids = Enumerable.Range(0, 25).Select(i => $"page-{i:D2}").ToList();
        foreach (var id in ids)
        {
            var vector = Enumerable.Range(0, 128).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
            var name = id == "page-07" ? "Zoë Quartermaine" : $"Person {id}";
            await grains.GetGrain<FaceGrains.Grains.Interfaces.IIdentityGrain>(id).EnrollEmbeddingsAsync(new([new("v", vector)], DisplayName: name));
        }

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await Http.GetFromJsonAsync<JsonElement>($"/identities?q=page-&limit=10{(cursor is null ? "" : $"&after={cursor}")}");
            seen.AddRange(page.GetProperty("identities").EnumerateArray().Select(i => i.GetProperty("id").GetString()!));
            Assert.Equal(1, page.GetProperty("identities")[0].GetProperty("face_count").GetInt32());
            cursor = page.GetProperty("next_cursor").GetString();
            pages++;
        }
        while (cursor is not null);
        Assert.Equal(3, pages);
        Assert.Equal(ids, seen);

        var byName = await Http.GetFromJsonAsync<JsonElement>("/identities?q=" + Uri.EscapeDataString("ZOE\u0308 q")); // decomposed, other case
        Assert.Equal("page-07", Assert.Single(byName.GetProperty("identities").EnumerateArray().ToList()).GetProperty("id").GetString());

        await AssertProblem(await Http.GetAsync("/identities?limit=0"), HttpStatusCode.BadRequest, "limit must be a whole number from 1 to 1000");
        await AssertProblem(await Http.GetAsync("/identities?after=***"), HttpStatusCode.BadRequest, "next_cursor");

        var stats = await Http.GetFromJsonAsync<JsonElement>("/gallery/stats");
        Assert.True(stats.GetProperty("identity_count").GetInt32() >= 25);
        Assert.Equal(4, stats.GetProperty("shards").GetArrayLength());
    }

    [RequiresModelFact(Lfw)]
    public async Task A_face_is_served_as_stored_and_as_its_chip_and_removed_by_its_id()
    {
        byte[] first = Image("Colin_Powell", 5), second = Image("Colin_Powell", 6);
        Assert.Equal(HttpStatusCode.OK, (await Http.PostAsync("/identities/powell-faces/faces", Multipart.Files(("f", "a.jpg", first), ("f", "b.jpg", second)))).StatusCode);
        var faces = (await Http.GetFromJsonAsync<JsonElement>("/identities/powell-faces")).GetProperty("faces").EnumerateArray().ToList();
        var faceId = faces.Single(f => f.GetProperty("file_name").GetString() == "a.jpg").GetProperty("face_id").GetString()!;

        var image = await Http.GetAsync($"/identities/powell-faces/faces/{faceId}/image");
        Assert.Equal(HttpStatusCode.OK, image.StatusCode);
        Assert.Equal("image/jpeg", image.Content.Headers.ContentType?.MediaType);
        Assert.Equal(first, await image.Content.ReadAsByteArrayAsync());

        // The chip is cut by the served version's face preparer: its template's size, the face detected and aligned.
        var chip = await Http.GetAsync($"/identities/powell-faces/faces/{faceId}/chip");
        Assert.Equal(HttpStatusCode.OK, chip.StatusCode);
        Assert.Equal("image/png", chip.Content.Headers.ContentType?.MediaType);
        var decoded = Recognition.Images.ImageDecoder.Decode(await chip.Content.ReadAsByteArrayAsync());
        var template = TestModels.FaceApi.Manifest.Preprocessing.AlignTemplate!;
        Assert.Equal((template.Width, template.Height), (decoded.Width, decoded.Height));

        // A face enrolled as a declared chip is prepared as one again.
        var aligned = Image("Colin_Powell", 7);
        Assert.Equal(HttpStatusCode.OK, (await Http.PostAsync("/identities/powell-chip/faces?aligned=true", Multipart.Files(("f", "c.png", aligned)))).StatusCode);
        var chipId = (await Http.GetFromJsonAsync<JsonElement>("/identities/powell-chip")).GetProperty("faces")[0].GetProperty("face_id").GetString();
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync($"/identities/powell-chip/faces/{chipId}/chip")).StatusCode);

        await AssertProblem(await Http.GetAsync($"/identities/powell-chip/faces/{faceId}/image"), HttpStatusCode.NotFound, "has no face");
        await AssertProblem(await Http.GetAsync($"/identities/powell-faces/faces/{new string('0', 64)}/chip"), HttpStatusCode.NotFound, "has no face");
        await AssertProblem(await Http.GetAsync($"/identities/nobody-here/faces/{faceId}/image"), HttpStatusCode.NotFound, "nobody-here");
        await AssertProblem(await Http.GetAsync("/identities/%E2%80%8B/faces/x/chip"), HttpStatusCode.BadRequest, "U+200B");
        await AssertProblem(await Http.DeleteAsync($"/identities/powell-chip/faces/{faceId}"), HttpStatusCode.NotFound, "has no face");

        Assert.Equal(HttpStatusCode.NoContent, (await Http.DeleteAsync($"/identities/powell-faces/faces/{faceId}")).StatusCode);
        Assert.Equal(1, await FaceCount("powell-faces"));
        await AssertProblem(await Http.DeleteAsync($"/identities/powell-faces/faces/{faceId}"), HttpStatusCode.NotFound, "has no face");
        await AssertProblem(await Http.GetAsync($"/identities/powell-faces/faces/{faceId}/image"), HttpStatusCode.NotFound, "has no face");

        var openApi = await Http.GetStringAsync("/openapi/v1.json");
        Assert.Contains("/identities/{id}/faces/{faceId}/chip", openApi, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, (await Http.DeleteAsync("/identities/powell-faces")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await Http.DeleteAsync("/identities/powell-chip")).StatusCode);
    }

    [RequiresModelFact(Lfw)]
    public async Task The_web_page_is_served_at_the_root()
    {
        var page = await Http.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<script src=\"app.js\">", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("text/javascript", (await Http.GetAsync("/app.js")).Content.Headers.ContentType?.MediaType);
        Assert.Equal("text/css", (await Http.GetAsync("/app.css")).Content.Headers.ContentType?.MediaType);
    }

    private async Task<int> FaceCount(string id) =>
        (await Http.GetFromJsonAsync<JsonElement>($"/identities/{id}")).GetProperty("faces").GetArrayLength();

    private static byte[] Image(string person, int index) =>
        File.ReadAllBytes(Directory.GetFiles(SharedData.PathOf(Lfw, person)).Order(StringComparer.Ordinal).ElementAt(index));

    private static async Task<JsonElement> AssertProblem(HttpResponseMessage response, HttpStatusCode status, string detailContains)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonSerializer.Deserialize<JsonElement>(text);
        Assert.Contains(detailContains, problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        return problem;
    }

    public sealed class Fixture : IAsyncLifetime
    {
        private readonly string? home = TestModels.UnavailableReason() is null && SharedData.Has(Lfw) ? TestSilo.NewHome() : null;

        public TestSilo? Silo { get; private set; }

        public async Task InitializeAsync()
        {
            if (home is not null)
            {
                Silo = await TestSilo.StartAsync(home, $"--FaceGrains:MaxRequestBytes={MaxRequestBytes}", "--FaceGrains:Gallery:ShardCount=4");
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
