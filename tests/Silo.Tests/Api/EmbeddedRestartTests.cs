using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FaceGrains.TestSupport;
using Xunit;

namespace FaceGrains.Silo.Tests.Api;

/// <summary>Embedded profile: a gallery enrolled before a restart answers the same after it (state from SQLite, shards rebuilt from their snapshots).</summary>
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
                    await Enrol(silo, person, Images(person).Take(3));
                }

                before = await Identify(silo);
            }

            Assert.True(File.Exists(Path.Combine(home, "grains.db")));
            await using (var silo = await TestSilo.StartAsync(home))
            {
                var list = (await silo.Http.GetFromJsonAsync<JsonElement>("/identities")).GetProperty("identities");
                Assert.Equal(People.Order(StringComparer.Ordinal), list.EnumerateArray().Select(i => i.GetProperty("id").GetString()!));
                Assert.Equal(before, await Identify(silo));

                // The shards came back from the snapshots written at the stop: no identity grain was asked for its rows.
                var (fromSnapshot, asked) = await MetricsTests.ShardRebuildsAsync(silo.Http);
                Assert.Equal((People.Length, 0), (fromSnapshot, asked));
                var samples = MetricsTests.Parse(await silo.Http.GetStringAsync("/metrics"));
                Assert.True(MetricsTests.Sum(samples, "facegrains_shard_rebuild_duration_seconds_count") >= 1);
            }
        }
        finally
        {
            TestSilo.DeleteHome(home);
        }
    }

    [RequiresModelFact("lfw")]
    public async Task Identities_changed_after_the_last_snapshot_are_asked_for_their_rows_the_others_come_from_it()
    {
        var home = TestSilo.NewHome();
        try
        {
            await using (var silo = await TestSilo.StartAsync(home))
            {
                foreach (var person in People)
                {
                    await Enrol(silo, person, Images(person).Take(3));
                }
            }

            // With snapshots off, a start reads none and writes none: what changes now is newer than the snapshot on disk.
            string changed;
            await using (var silo = await TestSilo.StartAsync(home, "--FaceGrains:Gallery:ShardSnapshotSeconds=0"))
            {
                await Enrol(silo, "Colin_Powell", Images("Colin_Powell").Skip(5).Take(1));
                await Enrol(silo, "Gerhard_Schroeder", Images("Gerhard_Schroeder").Take(3));
                changed = await Identify(silo);
                var (fromSnapshot, asked) = await MetricsTests.ShardRebuildsAsync(silo.Http);
                Assert.Equal(0, fromSnapshot);
                Assert.True(asked >= People.Length, $"{asked} asked"); // Gerhard_Schroeder too if listed before his shard woke
            }

            await using (var silo = await TestSilo.StartAsync(home))
            {
                Assert.Equal(changed, await Identify(silo));
                // Tony_Blair and Donald_Rumsfeld from the snapshot; Colin_Powell (a face added) and Gerhard_Schroeder (new) asked.
                Assert.Equal((2, 2), await MetricsTests.ShardRebuildsAsync(silo.Http));
            }
        }
        finally
        {
            TestSilo.DeleteHome(home);
        }
    }

    private static async Task Enrol(TestSilo silo, string person, IEnumerable<byte[]> images)
    {
        var body = Multipart.Files(images.Select((b, i) => ("f", $"{person}_{i}.jpg", b)).ToArray());
        Assert.Equal(HttpStatusCode.OK, (await silo.Http.PostAsync($"/identities/{person}/faces", body)).StatusCode);
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
