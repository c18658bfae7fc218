using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FaceGrains.Recognition.Detection;
using FaceGrains.Recognition.Images;
using FaceGrains.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace FaceGrains.Silo.Tests.Api;

/// <summary>
/// A new user's first hour, over REST only, on a silo started with its defaults on a fresh data directory (only the
/// model store is shared with the other tests): photos go through detection and alignment, the imported version's
/// shipped calibration answers from the first request, group photos get one answer per face, and pictures without a
/// face are refused. One silo serves every test of this class.
/// </summary>
[Collection(SiloCollection.Name)]
public sealed class ServedPipelineTests(ServedPipelineTests.Fixture fixture, ITestOutputHelper output) : IClassFixture<ServedPipelineTests.Fixture>
{
    /// <summary>Known: enrolled with their first three photos, probed with their sixth. Strangers: never enrolled.</summary>
    private static readonly string[] Known = ["Colin_Powell", "Tony_Blair", "Donald_Rumsfeld", "Ariel_Sharon", "Hugo_Chavez"];

    private static readonly string[] Strangers = ["Jacques_Chirac", "Vladimir_Putin", "John_Ashcroft", "Jean_Chretien", "Junichiro_Koizumi"];

    /// <summary>Who is visible in each bbt scene (checked by eye on the drawn answers, docs/BENCHMARKS.md): 23 faces.</summary>
    private static readonly Dictionary<string, string[]> Scenes = new()
    {
        ["bbt1.jpg"] = ["howard", "leonard", "raj", "sheldon"],
        ["bbt2.jpg"] = ["leonard", "raj", "sheldon"],
        ["bbt3.jpg"] = ["howard", "leonard", "penny", "raj", "sheldon"],
        ["bbt4.jpg"] = ["amy", "bernadette", "leonard", "penny", "raj", "sheldon"],
        ["bbt5.jpg"] = ["howard", "leonard", "penny", "raj", "sheldon"],
    };

    private HttpClient Http => fixture.Silo!.Http;

    [RequiresModelFact("lfw")]
    public async Task Enrolled_people_are_identified_and_strangers_answered_no_correspondence_out_of_the_box()
    {
        foreach (var person in Known)
        {
            var body = Multipart.Files(Lfw(person).Take(3).Select((b, i) => ("f", $"{person}_{i}.jpg", b)).ToArray());
            var response = await Http.PostAsync($"/identities/{person}/faces", body);
            var enrolled = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(response.StatusCode == HttpStatusCode.OK, enrolled.ToString());
            Assert.Equal(3, enrolled.GetProperty("accepted_count").GetInt32());
            var face = enrolled.GetProperty("faces")[0].GetProperty("face");
            Assert.Equal(5, face.GetProperty("five_points").GetArrayLength());
            Assert.True(face.GetProperty("box").GetProperty("width").GetDouble() > 40);
        }

        var probes = Known.Select(p => ("p", $"{p}_6.jpg", Lfw(p).ElementAt(5))).Concat(Strangers.Select(p => ("p", $"{p}_1.jpg", Lfw(p).First()))).ToArray();
        var identified = await Http.PostAsync("/identify", Multipart.Files(probes));
        Assert.Equal(HttpStatusCode.OK, identified.StatusCode);
        var answers = (await identified.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("answers").EnumerateArray().ToList();
        var labels = answers.Select(a => a.GetProperty("faces")[0].GetProperty("label").GetString()).ToList();
        output.WriteLine(string.Join(", ", labels.Zip(answers, (l, a) => $"{l} {a.GetProperty("faces")[0].GetProperty("score").GetSingle():F3}")));
        Assert.Equal([.. Known, .. Strangers.Select(_ => "no-correspondence")], labels);

        var threshold = answers[0].GetProperty("threshold");
        output.WriteLine(threshold.GetProperty("reason").GetString());
        Assert.Equal("shipped", threshold.GetProperty("source").GetString());
        Assert.Equal((await Http.GetFromJsonAsync<JsonElement>("/identities")).GetProperty("identities").GetArrayLength(), threshold.GetProperty("gallery_size").GetInt32());
        Assert.Equal(0.01, threshold.GetProperty("target_fpir").GetDouble());
        Assert.True(threshold.GetProperty("impostor_scores").GetInt64() > 10_000_000);

        // Verify compares the largest faces and says which; its operating point is a target FMR.
        var verify = await Http.PostAsync("/verify", Multipart.Files(("a", "a.jpg", Lfw("Tony_Blair").ElementAt(6))).With("identity", "Tony_Blair"));
        var answer = await verify.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(answer.GetProperty("match").GetBoolean(), answer.ToString());
        Assert.Equal(0.001, answer.GetProperty("threshold").GetProperty("target_fmr").GetDouble());
        Assert.Equal(JsonValueKind.Null, answer.GetProperty("threshold").GetProperty("target_fpir").ValueKind);
        Assert.Equal(5, answer.GetProperty("probe_face").GetProperty("five_points").GetArrayLength());

        var health = await Http.GetFromJsonAsync<JsonElement>("/health");
        Assert.Equal("ok", health.GetProperty("state").GetString());
        Assert.Equal("shipped", health.GetProperty("identify").GetProperty("source").GetString());
        Assert.Equal(threshold.GetProperty("threshold").GetDouble(), health.GetProperty("identify").GetProperty("threshold").GetDouble(), 9);
    }

    /// <summary>
    /// At the default operating point (FPIR 1e-2 at N = 8: threshold about 0.935 from the shipped calibration) 21 of the
    /// 23 faces are identified; the other two score just below it (Leonard in bbt1 0.93, Raj half cut off at the edge of
    /// bbt2 0.92) and are answered no-correspondence, each with the right name as its best candidate. No face is ever
    /// answered with someone else's name.
    /// </summary>
    [RequiresModelFact("bbt")]
    public async Task Every_face_of_the_group_photos_is_answered_with_its_box_and_name()
    {
        foreach (var person in Directory.GetDirectories(SharedData.PathOf("bbt", "people")).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(person);
            var chips = Directory.GetFiles(person).Order(StringComparer.Ordinal).Select((f, i) => ("f", $"{name}{i}.png", File.ReadAllBytes(f))).ToArray();

            // The people images are face chips (a face filling the frame, which detectors often miss): declared aligned.
            var response = await Http.PostAsync($"/identities/bbt-{name}/faces?aligned=true", Multipart.Files(chips));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        int named = 0, identified = 0;
        foreach (var (scene, visible) in Scenes)
        {
            var response = await Http.PostAsync("/identify", Multipart.Files(("p", scene, File.ReadAllBytes(SharedData.PathOf("bbt", "scenes", scene)))));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var answer = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("answers")[0];
            var threshold = answer.GetProperty("threshold").GetProperty("threshold").GetDouble();
            var faces = answer.GetProperty("faces").EnumerateArray().ToList();
            output.WriteLine($"{scene} (threshold {threshold:F4}): " + string.Join(", ", faces.Select(f =>
                $"{f.GetProperty("label").GetString()} {f.GetProperty("score").GetSingle():F3} (best {f.GetProperty("candidates")[0].GetProperty("identity_id").GetString()}) at {f.GetProperty("location").GetProperty("box").GetProperty("x").GetDouble():F0}")));
            Assert.All(faces, f => Assert.True(f.GetProperty("location").GetProperty("box").GetProperty("width").GetDouble() > 0));
            Assert.All(faces, f => Assert.Equal(5, f.GetProperty("location").GetProperty("five_points").GetArrayLength()));

            // Every visible face found once, and named by its best candidate.
            Assert.Equal(visible, faces.Select(f => Name(f.GetProperty("candidates")[0].GetProperty("identity_id").GetString())).Order(StringComparer.Ordinal));
            foreach (var face in faces)
            {
                var best = face.GetProperty("candidates")[0];
                if (face.GetProperty("decision").GetString() == "identified")
                {
                    Assert.Equal(best.GetProperty("identity_id").GetString(), face.GetProperty("identity_id").GetString());
                    identified++;
                }
                else
                {
                    Assert.True(best.GetProperty("score").GetDouble() < threshold);
                }
            }

            named += faces.Count;
        }

        Assert.Equal(23, named);
        Assert.True(identified >= 21, $"{identified} of 23 identified at the default operating point");
    }

    [RequiresModelFact]
    public async Task Pictures_without_a_face_are_refused_at_enrolment_and_create_nothing()
    {
        var noise = new byte[320 * 240 * 3];
        new Random(7).NextBytes(noise);
        var pictures = new List<(string Field, string FileName, byte[] Bytes)>
        {
            ("f", "noise.png", Png(new RgbImage(320, 240, noise))),
            ("f", "dot.png", Png(new RgbImage(1, 1, [200, 120, 90]))),
        };
        var expected = new List<string> { "no_face", "image_too_small" };
        if (File.Exists(Landscape))
        {
            pictures.Add(("f", "landscape.jpg", File.ReadAllBytes(Landscape)));
            expected.Add("no_face");
        }
        else
        {
            output.WriteLine($"landscape photo not checked: needs {Landscape} (Debian package mate-backgrounds; .ci/run installs it)");
        }

        var response = await Http.PostAsync("/identities/nobody-at-all/faces", Multipart.Files([.. pictures]));

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity, text);
        var problem = JsonSerializer.Deserialize<JsonElement>(text);
        Assert.Equal(expected, problem.GetProperty("faces").EnumerateArray().Select(f => f.GetProperty("status").GetString()!));
        Assert.Contains("aligned=true", problem.GetProperty("faces")[0].GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync("/identities/nobody-at-all")).StatusCode);
    }

    private static string Name(string? identity) => identity!.Replace("bbt-", "", StringComparison.Ordinal);

    [RequiresModelFact]
    public async Task A_calibration_of_another_recipe_is_refused_at_start_and_in_health()
    {
        // A version of its own (the imported network with a fixed crop) whose impostor tail claims another recipe.
        var store = new FaceGrains.Recognition.Models.ModelStore(TestModels.Home.ModelsDirectory);
        var version = store.Derive(TestModels.FaceApi, new FaceGrains.Recognition.Preprocessing.PreprocessingSpec
        {
            Width = 150,
            Height = 150,
            Mean = TestModels.FaceApi.Manifest.Preprocessing.Mean,
            Std = TestModels.FaceApi.Manifest.Preprocessing.Std,
            Resize = TestModels.FaceApi.Manifest.Preprocessing.Resize,
            Crop = new FaceGrains.Recognition.Preprocessing.CropPolicy { Side = 0.47, CenterX = 0.5, CenterY = 0.55 },
        }, "refused-calibration-test");
        var foreign = FaceGrains.Recognition.Calibration.ImpostorTail.TryLoad(TestModels.FaceApi)!;
        File.WriteAllText(FaceGrains.Recognition.Calibration.ImpostorTail.PathFor(version), (foreign with { ModelId = version.Id }).ToJson());
        var home = TestSilo.NewHome();
        try
        {
            await using var silo = await TestSilo.StartAsync(home, $"--FaceGrains:Gallery:InitialModel={version.Id}");
            var health = await silo.Http.GetFromJsonAsync<JsonElement>("/health");
            Assert.Equal("degraded", health.GetProperty("state").GetString());
            Assert.Contains("calibration refused", health.GetProperty("problems")[0].GetString(), StringComparison.Ordinal);
            Assert.Contains("recipe", health.GetProperty("problems")[0].GetString(), StringComparison.Ordinal);
            Assert.Equal("uncalibrated", health.GetProperty("identify").GetProperty("source").GetString());
            Assert.Equal(1.0, health.GetProperty("identify").GetProperty("threshold").GetDouble());
        }
        finally
        {
            TestSilo.DeleteHome(home);
            File.Delete(FaceGrains.Recognition.Calibration.ImpostorTail.PathFor(version));
        }
    }

    [RequiresModelFact("lfw")]
    public async Task A_cluster_started_with_a_catalogue_name_imports_that_model_and_serves_it_calibrated()
    {
        var home = TestSilo.NewHome();
        try
        {
            await using var silo = await TestSilo.StartAsync(home, "--FaceGrains:Gallery:InitialModel=faceapi-int8");
            var health = await silo.Http.GetFromJsonAsync<JsonElement>("/health");
            Assert.Equal("ok", health.GetProperty("state").GetString());
            Assert.Equal(FaceGrains.Recognition.Importers.FaceApiInt8.ModelName, health.GetProperty("model_name").GetString());
            Assert.Equal("shipped", health.GetProperty("identify").GetProperty("source").GetString());

            // It serves: a person enrolled from two photos is identified in a third, a stranger is not.
            var enrolled = await silo.Http.PostAsync("/identities/Colin_Powell/faces", Multipart.Files(Lfw("Colin_Powell").Take(2).Select((b, i) => ("f", $"colin_{i}.jpg", b)).ToArray()));
            Assert.True(enrolled.StatusCode == HttpStatusCode.OK, await enrolled.Content.ReadAsStringAsync());
            var identified = await silo.Http.PostAsync("/identify", Multipart.Files(("p", "colin.jpg", Lfw("Colin_Powell").ElementAt(5)), ("p", "putin.jpg", Lfw("Vladimir_Putin").First())));
            var answers = (await identified.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("answers").EnumerateArray().ToList();
            Assert.Equal(["Colin_Powell", "no-correspondence"], answers.Select(a => a.GetProperty("faces")[0].GetProperty("label").GetString()));
            Assert.Equal(health.GetProperty("model_version").GetString(), answers[0].GetProperty("model_version").GetString());
        }
        finally
        {
            TestSilo.DeleteHome(home);
        }
    }

    /// <summary>A landscape photograph from Debian's mate-backgrounds (no person in it).</summary>
    private const string Landscape = "/usr/share/backgrounds/mate/nature/GreenMeadow.jpg";

    private static IEnumerable<byte[]> Lfw(string person) =>
        Directory.GetFiles(SharedData.PathOf("lfw", person)).Order(StringComparer.Ordinal).Select(File.ReadAllBytes);

    private static byte[] Png(RgbImage image)
    {
        var path = Path.Combine(Path.GetTempPath(), $"facegrains-{Guid.NewGuid():N}.png");
        try
        {
            FaceDrawing.SavePng(image, [], path);
            return File.ReadAllBytes(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    public sealed class Fixture : IAsyncLifetime
    {
        private readonly string? home = TestModels.UnavailableReason() is null ? TestSilo.NewHome() : null;

        public TestSilo? Silo { get; private set; }

        public async Task InitializeAsync()
        {
            if (home is not null)
            {
                Silo = await TestSilo.StartAsync(home);
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
