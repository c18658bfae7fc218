using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FaceGrains.Grains.Interfaces;
using FaceGrains.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit;
using Xunit.Abstractions;

namespace FaceGrains.Web.Tests;

/// <summary>
/// The web page at / driven in headless chromium against a real silo: enrol the bbt people through the page, identify
/// a group photo and read its labels from the page (the same as the REST answer), the gallery's remove-a-face and
/// forget-with-confirmation, a refused upload's problem, the models tab and the API key header. Each test saves a
/// screenshot in the test output folder (screenshots/) and prints its path.
/// </summary>
public sealed class WebPageTests(ITestOutputHelper output)
{
    /// <summary>Who is visible in bbt4.jpg (as in tests/Silo.Tests' ServedPipelineTests).</summary>
    private static readonly string[] Bbt4People = ["amy", "bernadette", "leonard", "penny", "raj", "sheldon"];

    private static string[] Chips(string person) =>
        Directory.GetFiles(SharedData.PathOf("bbt", "people", person)).Order(StringComparer.Ordinal).ToArray();

    private static string DisplayName(string person) => CultureInfo.InvariantCulture.TextInfo.ToTitleCase(person);

    /// <summary>
    /// The bbt people are 150×150 face crops; the detector misses the face in a few of them (2 of 40), so they are
    /// enrolled as aligned chips, the page's checkbox for aligned=true.
    /// </summary>
    [RequiresChromiumFact("bbt")]
    public async Task The_bbt_people_are_enrolled_through_the_page_and_a_group_photo_is_labelled_as_the_API_answers()
    {
        await using var session = await PageSession.StartAsync(output);
        var page = session.Page;
        foreach (var person in Directory.GetDirectories(SharedData.PathOf("bbt", "people")).Select(Path.GetFileName).Order(StringComparer.Ordinal))
        {
            var chips = Chips(person!);
            await page.FillAsync("#enrol-id", $"bbt-{person}");
            await page.FillAsync("#enrol-name", DisplayName(person!));
            await page.SetInputFilesAsync("#enrol-files", chips);
            await page.CheckAsync("#enrol-aligned");
            await page.ClickAsync("#enrol-submit");
            await Assertions.Expect(page.Locator("#enrol-result li.outcome")).ToHaveCountAsync(chips.Length);
            Assert.All(await page.Locator("#enrol-result .status").AllInnerTextsAsync(), status => Assert.Equal("accepted", status));
            await page.WaitForFunctionAsync("() => [...document.querySelectorAll('#enrol-result img')].every(i => i.complete && i.naturalWidth > 0)");
        }

        await session.ScreenshotAsync("enrol-bbt");

        await page.ClickAsync("nav a[data-tab=identify]");
        var scene = SharedData.PathOf("bbt", "scenes", "bbt4.jpg");
        await page.SetInputFilesAsync("#identify-file", scene);
        await page.ClickAsync("#identify-submit");
        await Assertions.Expect(page.Locator("#identify-canvas")).ToBeVisibleAsync();

        using var content = new MultipartFormDataContent { { new ByteArrayContent(await File.ReadAllBytesAsync(scene)), "p", "bbt4.jpg" } };
        var response = await session.Http.PostAsync("/identify", content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("answers")[0];
        var rest = answer.GetProperty("faces").EnumerateArray()
            .Select(f => f.GetProperty("identity_id").GetString())
            .Select(id => id is null ? "no correspondence" : $"{DisplayName(id["bbt-".Length..])} ({id})")
            .ToList();

        await Assertions.Expect(page.Locator("#identify-faces .face-label")).ToHaveCountAsync(rest.Count);
        var labels = await page.Locator("#identify-faces .face-label").AllInnerTextsAsync();
        output.WriteLine($"page: {string.Join(", ", labels)}");
        Assert.Equal(rest, labels);
        var named = labels.Where(l => l != "no correspondence").ToList();
        Assert.True(named.Count >= 4, $"only {named.Count} faces of bbt4 identified: {string.Join(", ", labels)}");
        Assert.All(named, label => Assert.Contains(Bbt4People, p => label.StartsWith(DisplayName(p) + " ", StringComparison.Ordinal)));
        var threshold = answer.GetProperty("threshold");
        var operating = await page.InnerTextAsync("#identify-operating");
        Assert.Contains($"threshold {threshold.GetProperty("threshold").GetDouble().ToString("F4", CultureInfo.InvariantCulture)} (source: {threshold.GetProperty("source").GetString()}", operating, StringComparison.Ordinal);
        await session.ScreenshotAsync("identify-bbt4");
    }

    [RequiresChromiumFact("bbt")]
    public async Task In_the_gallery_a_face_is_removed_and_a_person_forgotten_only_after_confirming()
    {
        await using var session = await PageSession.StartAsync(output, width: 390, height: 844);
        foreach (var person in new[] { "penny", "raj" })
        {
            using var content = new MultipartFormDataContent { { new StringContent(DisplayName(person)), "display_name" } };
            foreach (var chip in Chips(person))
            {
                content.Add(new ByteArrayContent(await File.ReadAllBytesAsync(chip)), "f", Path.GetFileName(chip));
            }

            Assert.Equal(HttpStatusCode.OK, (await session.Http.PostAsync($"/identities/bbt-{person}/faces?aligned=true", content)).StatusCode);
        }

        var page = session.Page;
        await page.ClickAsync("nav a[data-tab=gallery]");
        await Assertions.Expect(page.Locator("#gallery-list li.identity-card")).ToHaveCountAsync(2);
        await page.FillAsync("#gallery-query", "pen");
        await Assertions.Expect(page.Locator("#gallery-list li.identity-card")).ToHaveCountAsync(1);
        await page.ClickAsync("#gallery-list li[data-identity=bbt-penny] button");
        var faces = page.Locator("#identity-faces li.face");
        var enrolled = Chips("penny").Length;
        await Assertions.Expect(faces).ToHaveCountAsync(enrolled);
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('#identity-faces img, #gallery-list img')].every(i => i.complete && i.naturalWidth > 0)");
        await session.ScreenshotAsync("gallery-phone");

        await faces.First.Locator("button.danger").ClickAsync();
        await page.ClickAsync("#confirm-ok");
        await Assertions.Expect(faces).ToHaveCountAsync(enrolled - 1);
        Assert.Equal(enrolled - 1, (await session.Http.GetFromJsonAsync<JsonElement>("/identities/bbt-penny")).GetProperty("faces").GetArrayLength());

        await page.ClickAsync("#identity-forget");
        await Assertions.Expect(page.Locator("#confirm")).ToBeVisibleAsync();
        await page.ClickAsync("#confirm-cancel");
        Assert.Equal(HttpStatusCode.OK, (await session.Http.GetAsync("/identities/bbt-penny")).StatusCode);

        await page.ClickAsync("#identity-forget");
        await Assertions.Expect(page.Locator("#confirm-text")).ToContainTextAsync("Forget bbt-penny?");
        await session.ScreenshotAsync("forget-confirm");
        await page.ClickAsync("#confirm-ok");
        await Assertions.Expect(page.Locator("#identity")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#gallery-list li.identity-card")).ToHaveCountAsync(0);
        Assert.Equal(HttpStatusCode.NotFound, (await session.Http.GetAsync("/identities/bbt-penny")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await session.Http.GetAsync("/identities/bbt-raj")).StatusCode);
    }

    [RequiresChromiumFact]
    public async Task A_file_that_is_not_an_image_shows_the_422_problem_with_its_detail()
    {
        await using var session = await PageSession.StartAsync(output);
        var page = session.Page;
        var notes = "these are notes, not a photo"u8.ToArray();
        await page.FillAsync("#enrol-id", "someone");
        await page.SetInputFilesAsync("#enrol-files", new FilePayload { Name = "notes.txt", MimeType = "text/plain", Buffer = notes });
        await page.ClickAsync("#enrol-submit");
        await Assertions.Expect(page.Locator("#enrol-problem")).ToBeVisibleAsync();

        using var content = new MultipartFormDataContent { { new ByteArrayContent(notes), "f", "notes.txt" } };
        var response = await session.Http.PostAsync("/identities/someone/faces", content);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal($"422 {problem.GetProperty("title").GetString()}", await page.InnerTextAsync("#enrol-problem .problem-title"));
        Assert.Equal(problem.GetProperty("detail").GetString(), await page.InnerTextAsync("#enrol-problem .problem-detail"));
        Assert.Equal("undecodable", await page.InnerTextAsync("#enrol-result .status"));
        await session.ScreenshotAsync("enrol-not-an-image");
    }

    /// <summary>
    /// A silo with keys: without one the gallery tab shows the 401 problem and what to do; a reader key lists but its
    /// forget is refused with 403 (the person stays); the admin key's forget goes through.
    /// </summary>
    [RequiresChromiumFact]
    public async Task Without_a_key_and_with_a_reader_key_the_page_says_which_key_is_needed()
    {
        string admin = ApiKeyHash.NewKey(), reader = ApiKeyHash.NewKey();
        await using var session = await PageSession.StartAsync(
            output, 1100, 900,
            "--FaceGrains:ApiKeys:ops:Role=admin", $"--FaceGrains:ApiKeys:ops:Sha256={ApiKeyHash.Of(admin)}",
            "--FaceGrains:ApiKeys:kiosk:Role=reader", $"--FaceGrains:ApiKeys:kiosk:Sha256={ApiKeyHash.Of(reader)}");
        var page = session.Page;
        var grains = session.Services.GetRequiredService<Orleans.IGrainFactory>();
        await grains.GetGrain<IIdentityGrain>("keyed").EnrollEmbeddingsAsync(new([new("v", Enumerable.Range(0, 128).Select(i => i % 7 - 3f).ToArray())], DisplayName: "Keyed Person"));

        await page.ClickAsync("nav a[data-tab=gallery]");
        await Assertions.Expect(page.Locator("#gallery-problem .problem-title")).ToHaveTextAsync("401 API key required");
        await Assertions.Expect(page.Locator("#gallery-problem .problem-hint")).ToContainTextAsync("An API key is needed");

        await page.FillAsync("#api-key", reader);
        await page.ClickAsync("#key-form button[type=submit]");
        await page.ClickAsync("#gallery-refresh");
        await page.ClickAsync("#gallery-list li[data-identity=keyed] button");
        await page.ClickAsync("#identity-forget");
        await page.ClickAsync("#confirm-ok");
        await Assertions.Expect(page.Locator("#gallery-problem .problem-title")).ToHaveTextAsync("403 Admin key required");
        await Assertions.Expect(page.Locator("#gallery-problem .problem-hint")).ToContainTextAsync("an admin key is needed");
        Assert.NotNull(await grains.GetGrain<IIdentityGrain>("keyed").GetAsync());
        await session.ScreenshotAsync("reader-key-refused");

        await page.FillAsync("#api-key", admin);
        await page.ClickAsync("#key-form button[type=submit]");
        await page.ClickAsync("#identity-forget");
        await page.ClickAsync("#confirm-ok");
        await Assertions.Expect(page.Locator("#identity")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#gallery-list li[data-identity=keyed]")).ToHaveCountAsync(0);
        Assert.Null(await grains.GetGrain<IIdentityGrain>("keyed").GetAsync());
    }

    [RequiresChromiumFact]
    public async Task The_models_tab_shows_the_active_version_a_refused_rollback_and_every_request_carries_the_key()
    {
        await using var session = await PageSession.StartAsync(output);
        var page = session.Page;
        var apiRequests = new List<Microsoft.Playwright.IRequest>();
        page.Request += (_, request) =>
        {
            if (new Uri(request.Url).AbsolutePath is var path && (path.StartsWith("/models", StringComparison.Ordinal) || path == "/health"))
            {
                apiRequests.Add(request);
            }
        };

        await page.FillAsync("#api-key", "a-test-key");
        await page.ClickAsync("#key-form button[type=submit]");
        await page.ClickAsync("nav a[data-tab=models]");
        var models = await session.Http.GetFromJsonAsync<JsonElement>("/models");
        var active = models.GetProperty("active_version").GetString();
        await Assertions.Expect(page.Locator($"#models-table tr[data-version='{active}'] td.state")).ToHaveTextAsync("active");
        await Assertions.Expect(page.Locator("#migration")).ToContainTextAsync("No migration has run");

        await page.ClickAsync("#models-rollback");
        await Assertions.Expect(page.Locator("#models-problem .problem-title")).ToHaveTextAsync("409 Conflict");
        var refused = await session.Http.PostAsync("/models/rollback", null);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal((await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), await page.InnerTextAsync("#models-problem .problem-detail"));
        await session.ScreenshotAsync("models");

        Assert.Contains(apiRequests, r => r.Url.EndsWith("/models/rollback", StringComparison.Ordinal));
        Assert.All(apiRequests, r => Assert.Equal("a-test-key", r.Headers.GetValueOrDefault("x-api-key")));
    }

    /// <summary>The interactive API page (Scalar) renders the gallery's document from the silo alone: no request leaves it.</summary>
    [RequiresChromiumFact]
    public async Task The_api_page_renders_the_gallery_routes_offline()
    {
        await using var session = await PageSession.StartAsync(output);
        var page = session.Page;
        var hosts = new List<string>();
        page.Request += (_, request) => hosts.Add(new Uri(request.Url).Host);
        page.RequestFailed += (_, request) => output.WriteLine($"failed: {request.Url}");
        page.Response += (_, response) => { if (response.Status >= 400) output.WriteLine($"{response.Status}: {response.Url}"); };
        await page.GotoAsync("/api/");
        await Assertions.Expect(page.GetByText("FaceGrains gallery API").First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("/gallery/stats").First).ToBeVisibleAsync();
        await session.ScreenshotAsync("api-page");
        Assert.All(hosts.Distinct(), host => Assert.Equal("127.0.0.1", host));
    }
}
