using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FaceGrains.TestSupport;
using Xunit;

namespace FaceGrains.Silo.Tests.Api;

/// <summary>
/// The hot swap through the REST API of a real silo (embedded profile, SQLite): the model routes, and a migration that
/// survives the silo going away half-way (the whole cluster restarted) and finishes from its cursor.
/// </summary>
[Collection(SiloCollection.Name)]
public sealed class HotSwapApiTests
{
    private const int People = 40;
    private const int FacesEach = 5;

    [RequiresModelFact("orl")]
    public async Task A_migration_interrupted_by_a_restart_resumes_and_embeds_every_identity_once()
    {
        var home = TestSilo.NewHome();
        var to = TestModels.FlipAveraged.Id;
        try
        {
            string from;
            int doneAtStop;
            await using (var silo = await TestSilo.StartAsync(home, "--FaceGrains:Gallery:MigrationConcurrency=1"))
            {
                from = (await silo.Http.GetFromJsonAsync<JsonElement>("/health")).GetProperty("model_version").GetString()!;
                for (var p = 1; p <= People; p++)
                {
                    var body = Multipart.Files(Enumerable.Range(1, FacesEach).Select(i => ("f", $"{i}.pgm", File.ReadAllBytes(SharedData.PathOf("orl", $"s{p}", $"{i}.pgm")))).ToArray());
                    var enrolled = await silo.Http.PostAsync($"/identities/s{p}/faces?aligned=true", body);
                    Assert.Equal(HttpStatusCode.OK, enrolled.StatusCode);
                }

                var started = await silo.Http.PostAsync($"/models/{to[..12]}/activate?force=true", null);
                Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);

                // Stop the silo (the whole one-silo cluster) once the migration is part-way.
                var deadline = DateTime.UtcNow.AddMinutes(2);
                while (true)
                {
                    var m = await silo.Http.GetFromJsonAsync<JsonElement>("/models/migration");
                    doneAtStop = m.GetProperty("done").GetInt32();
                    Assert.True(m.GetProperty("phase").GetString() == "reembedding", $"the migration ended before the restart ({m}); it needs more work to interrupt");
                    if (doneAtStop > 0)
                    {
                        break;
                    }

                    Assert.True(DateTime.UtcNow < deadline, "the migration made no progress in 2 minutes");
                    await Task.Delay(50);
                }
            }

            await using (var silo = await TestSilo.StartAsync(home, "--FaceGrains:Gallery:MigrationConcurrency=1"))
            {
                var m = await WaitForEndAsync(silo);
                Assert.Equal("flipped", m.GetProperty("phase").GetString());
                Assert.True(m.GetProperty("resumes").GetInt32() >= 1, m.ToString());
                Assert.Equal(People, m.GetProperty("total").GetInt32());
                Assert.Equal(People, m.GetProperty("done").GetInt32());
                Assert.Equal(People, m.GetProperty("reembedded").GetInt32());
                Assert.Equal(0, m.GetProperty("failure_count").GetInt32());
                Assert.InRange(doneAtStop, 1, People - 1);

                var models = await silo.Http.GetFromJsonAsync<JsonElement>("/models");
                Assert.Equal(to, models.GetProperty("active_version").GetString());
                Assert.Equal(from, models.GetProperty("previous_version").GetString());
                for (var p = 1; p <= People; p++)
                {
                    var identity = await silo.Http.GetFromJsonAsync<JsonElement>($"/identities/s{p}");
                    var faces = identity.GetProperty("faces").EnumerateArray().ToList();
                    Assert.Equal(FacesEach, faces.Count);
                    Assert.All(faces, f => Assert.Equal(new[] { from, to }.Order(), f.GetProperty("model_versions").EnumerateArray().Select(v => v.GetString()!).Order()));
                }

                // Every identity is in the new version's shards exactly once.
                await Task.Delay(TimeSpan.FromSeconds(2));
                var health = await silo.Http.GetFromJsonAsync<JsonElement>("/health");
                Assert.Equal(to, health.GetProperty("model_version").GetString());
                Assert.Equal(People, health.GetProperty("identify").GetProperty("gallery_size").GetInt32());
            }
        }
        finally
        {
            TestSilo.DeleteHome(home);
        }
    }

    [RequiresModelFact]
    public async Task The_model_routes_say_what_serves_and_refuse_what_cannot_be_done_now()
    {
        var home = TestSilo.NewHome();
        var to = TestModels.FlipAveraged.Id;
        try
        {
            await using var silo = await TestSilo.StartAsync(home);
            var models = await silo.Http.GetFromJsonAsync<JsonElement>("/models");
            var active = models.GetProperty("active_version").GetString()!;
            var versions = models.GetProperty("versions").EnumerateArray().ToList();
            Assert.Equal("active", versions.Single(v => v.GetProperty("id").GetString() == active).GetProperty("state").GetString());
            Assert.Equal("available", versions.Single(v => v.GetProperty("id").GetString() == to).GetProperty("state").GetString());
            Assert.Equal(HttpStatusCode.NotFound, (await silo.Http.GetAsync("/models/migration")).StatusCode);

            Assert.Equal(HttpStatusCode.BadRequest, (await silo.Http.PostAsync($"/models/{active}/retire", null)).StatusCode);
            Assert.Equal(HttpStatusCode.BadRequest, (await silo.Http.PostAsync($"/models/{active}/activate", null)).StatusCode);
            Assert.Equal(HttpStatusCode.BadRequest, (await silo.Http.PostAsync("/models/ffffffffffff/activate", null)).StatusCode);
            var rollback = await silo.Http.PostAsync("/models/rollback", null);
            Assert.Equal(HttpStatusCode.Conflict, rollback.StatusCode);
            Assert.Contains("no previous version", await rollback.Content.ReadAsStringAsync(), StringComparison.Ordinal);

            // An empty gallery: nothing to re-embed or compare; the candidate has no calibration, so only force flips it.
            Assert.Equal(HttpStatusCode.Accepted, (await silo.Http.PostAsync($"/models/{to}/activate", null)).StatusCode);
            var refused = await WaitForEndAsync(silo);
            Assert.Equal("refused", refused.GetProperty("phase").GetString());
            Assert.Equal(HttpStatusCode.Accepted, (await silo.Http.PostAsync($"/models/{to}/activate?force=true", null)).StatusCode);
            Assert.Equal("flipped", (await WaitForEndAsync(silo)).GetProperty("phase").GetString());
            Assert.Equal(HttpStatusCode.OK, (await silo.Http.PostAsync("/models/rollback", null)).StatusCode);
            Assert.Equal(active, (await silo.Http.GetFromJsonAsync<JsonElement>("/models")).GetProperty("active_version").GetString());
        }
        finally
        {
            TestSilo.DeleteHome(home);
        }
    }

    private static async Task<JsonElement> WaitForEndAsync(TestSilo silo)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (true)
        {
            var response = await silo.Http.GetAsync("/models/migration");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var m = await response.Content.ReadFromJsonAsync<JsonElement>();
                if (m.GetProperty("phase").GetString() is "flipped" or "refused" or "failed")
                {
                    return m;
                }
            }

            Assert.True(DateTime.UtcNow < deadline, "the migration did not end in 3 minutes");
            await Task.Delay(200);
        }
    }
}
