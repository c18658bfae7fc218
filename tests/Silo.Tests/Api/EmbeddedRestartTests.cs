using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FaceGrains.TestSupport;
using Xunit;

namespace FaceGrains.Silo.Tests.Api;

/// <summary>Embedded profile: a gallery enrolled before a restart answers the same after it (state from SQLite, shards rebuilt).</summary>
[Collection(SiloCollection.Name)]
public sealed class EmbeddedRestartTests
{
    private static readonly string[] People = ["Colin_Powell", "Tony_Blair", "Donald_Rumsfeld"];

    [RequiresModelFact("lfw")]
    public async Task Enrol_stop_start_identify_gives_the_same_answers()
    {
        var home = TestSilo.NewHome();
        try
        {
            string before;
            await using (var silo = await TestSilo.StartAsync(home))
            {
                foreach (var person in People)
                {
                    var body = Multipart.Files(Images(person).Take(3).Select((b, i) => ("f", $"{person}_{i}.jpg", b)).ToArray());
                    Assert.Equal(HttpStatusCode.OK, (await silo.Http.PostAsync($"/identities/{person}/faces", body)).StatusCode);
                }

                before = await Identify(silo);
            }

            Assert.True(File.Exists(Path.Combine(home, "grains.db")));
            await using (var silo = await TestSilo.StartAsync(home))
            {
                var list = (await silo.Http.GetFromJsonAsync<JsonElement>("/identities")).GetProperty("identities");
                Assert.Equal(People.Order(StringComparer.Ordinal), list.EnumerateArray().Select(i => i.GetProperty("id").GetString()!));
                Assert.Equal(before, await Identify(silo));
            }
        }
        finally
        {
            TestSilo.DeleteHome(home);
        }
    }

    /// <summary>Probe answers (decision, identity, candidates with scores) as one comparable string; a raw threshold keeps the decision independent of calibration.</summary>
    private static async Task<string> Identify(TestSilo silo)
    {
        var probes = People.SelectMany(p => Images(p).Skip(3).Take(2).Select((b, i) => ("p", $"{p}_probe{i}.jpg", b))).ToArray();
        var response = await silo.Http.PostAsync("/identify?threshold=0.93&candidates=3", Multipart.Files(probes));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answers = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("answers").EnumerateArray().SelectMany(a => a.GetProperty("faces").EnumerateArray()).Select(f =>
            $"{f.GetProperty("decision").GetString()} {f.GetProperty("identity_id")} " +
            string.Join(",", f.GetProperty("candidates").EnumerateArray().Select(c => $"{c.GetProperty("identity_id").GetString()}:{c.GetProperty("score").GetSingle():F5}")));
        var text = string.Join("\n", answers);
        Assert.Contains("identified", text, StringComparison.Ordinal);
        return text;
    }

    private static IEnumerable<byte[]> Images(string person) =>
        Directory.GetFiles(SharedData.PathOf("lfw", person)).Order(StringComparer.Ordinal).Select(File.ReadAllBytes);
}
