using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FaceGrains.Grains;
using FaceGrains.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace FaceGrains.Silo.Tests.Api;

/// <summary>
/// The azure profile against a private Azurite per test: silos with separate data directories (nothing shared but the
/// storage account) serve one gallery; a storage outage while enrolling loses nothing that was acknowledged.
/// </summary>
[Collection(SiloCollection.Name)]
public sealed class AzureClusterTests(ITestOutputHelper output)
{
    private static string[] Settings(Azurite azurite, string cluster) =>
    [
        "--FaceGrains:Profile=azure", $"--FaceGrains:AzureStorage={azurite.ConnectionString}", $"--FaceGrains:ClusterId={cluster}",
        $"--FaceGrains:ServiceId={cluster}", "--FaceGrains:Gallery:ShardCount=4",
    ];

    [RequiresAzuriteFact("lfw")]
    public async Task Two_silos_with_their_own_homes_serve_one_gallery_through_azure_storage()
    {
        await using var azurite = await Azurite.StartAsync();
        var cluster = "fg-az-" + Guid.NewGuid().ToString("N")[..8];
        var firstHome = TestSilo.NewHome(sharedModels: false, withDefaultModel: true);
        var secondHome = TestSilo.NewHome(sharedModels: false);
        try
        {
            string[] faceIds;
            await using (var first = await TestSilo.StartAsync(firstHome, Settings(azurite, cluster)))
            {
                await using var second = await TestSilo.StartAsync(secondHome, Settings(azurite, cluster));

                // The second silo had no model: it took the version from the blob container, not from a shared folder.
                var version = Path.GetFileName(Path.GetDirectoryName(TestModels.FaceApi.OnnxPath))!;
                Assert.True(File.Exists(Path.Combine(secondHome, "models", version, "model.onnx")));
                Assert.Null(new DirectoryInfo(Path.Combine(secondHome, "models")).LinkTarget);

                var enrolled = await first.Http.PostAsync("/identities/Colin_Powell/faces", Multipart.Files(Images("Colin_Powell").Take(2).Select((b, i) => ("f", $"{i}.jpg", b)).ToArray()));
                Assert.Equal(HttpStatusCode.OK, enrolled.StatusCode);
                faceIds = (await enrolled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("faces").EnumerateArray().Select(f => f.GetProperty("face_id").GetString()!).ToArray();
                Assert.Equal(HttpStatusCode.OK, (await second.Http.PostAsync("/identities/Tony_Blair/faces", Multipart.Files(("f", "t.jpg", Images("Tony_Blair").First())))).StatusCode);

                Assert.Equal(await Answer(first), await Answer(second));
            }

            // The enrolling silo is gone: state in tables, face images in blobs.
            var images = new BlobFaceImageStore(azurite.Account(cluster));
            Assert.All(faceIds, id => Assert.True(images.ExistsAsync(id).Result));
            Assert.False(Directory.Exists(Path.Combine(secondHome, "faces")));
            await using var again = await TestSilo.StartAsync(secondHome, Settings(azurite, cluster));
            var view = await again.Http.GetFromJsonAsync<JsonElement>("/identities/Colin_Powell");
            Assert.Equal(2, view.GetProperty("faces").GetArrayLength());
            Assert.StartsWith("identified Colin_Powell", await Answer(again), StringComparison.Ordinal);
            // The shards came back from the snapshots the two silos wrote to Azure Table storage as they stopped.
            Assert.Equal((2, 0), await MetricsTests.ShardRebuildsAsync(again.Http));
        }
        finally
        {
            TestSilo.DeleteHome(firstHome);
            TestSilo.DeleteHome(secondHome);
        }
    }

    [RequiresAzuriteFact("lfw")]
    public Task Azurite_paused_for_five_seconds_while_enrolling_loses_no_acknowledged_enrolment() =>
        EnrolThroughAnOutage(async azurite =>
        {
            // SIGSTOP: connections stay open and nothing answers, as a hung storage service looks to a client.
            azurite.Pause();
            await Task.Delay(TimeSpan.FromSeconds(5));
            azurite.Resume();
        });

    [RequiresAzuriteFact("lfw")]
    public Task Azurite_stopped_and_started_again_while_enrolling_loses_no_acknowledged_enrolment() =>
        EnrolThroughAnOutage(async azurite =>
        {
            // Stopped: connections refused until it is back (the storage SDK retries, then the call fails).
            await azurite.StopAsync();
            await Task.Delay(TimeSpan.FromSeconds(5));
            await azurite.StartAgainAsync();
        });

    /// <summary>
    /// One silo; 40 LFW people enrolled 4 at a time; after the sixth answer, <paramref name="outage"/>. Every
    /// acknowledged enrolment must be there afterwards; a refusal must be a 5xx problem document (never a hang); and
    /// once storage is back, the silo recovers by itself: refused enrolments succeed when the client sends them again.
    /// </summary>
    private async Task EnrolThroughAnOutage(Func<Azurite, Task> outage)
    {
        await using var azurite = await Azurite.StartAsync();
        var cluster = "fg-az-" + Guid.NewGuid().ToString("N")[..8];
        var home = TestSilo.NewHome(sharedModels: false, withDefaultModel: true);
        try
        {
            await using var silo = await TestSilo.StartAsync(home, Settings(azurite, cluster));
            var people = Directory.GetDirectories(SharedData.PathOf("lfw")).Order(StringComparer.Ordinal).Take(40).Select(Path.GetFileName).OfType<string>().ToList();
            var results = new (HttpStatusCode Status, string Body, double Seconds, bool RetryAfter)[people.Count];
            var done = 0;
            using var gate = new SemaphoreSlim(4);
            var started = new TaskCompletionSource();
            var enrolments = people.Select(async (person, i) =>
            {
                await gate.WaitAsync();
                try
                {
                    var clock = Stopwatch.StartNew();
                    using var response = await silo.Http.PostAsync($"/identities/{person}/faces", Multipart.Files(("f", "a.jpg", Images(person).First())));
                    results[i] = (response.StatusCode, await response.Content.ReadAsStringAsync(), clock.Elapsed.TotalSeconds, response.Headers.RetryAfter is not null);
                    if (Interlocked.Increment(ref done) == 6)
                    {
                        started.TrySetResult();
                    }
                }
                finally
                {
                    gate.Release();
                }
            }).ToList();

            await started.Task.WaitAsync(TimeSpan.FromMinutes(2));
            await outage(azurite);
            await Task.WhenAll(enrolments).WaitAsync(TimeSpan.FromMinutes(4));

            var acknowledged = people.Where((_, i) => results[i].Status == HttpStatusCode.OK).ToList();
            var refused = people.Select((p, i) => (p, r: results[i])).Where(x => x.r.Status != HttpStatusCode.OK).ToList();
            output.WriteLine($"acknowledged {acknowledged.Count} of {people.Count}; refused {refused.Count}; slowest {results.Max(r => r.Seconds):F1} s");
            foreach (var (person, r) in refused)
            {
                output.WriteLine($"{person}: {(int)r.Status} {r.Body[..Math.Min(400, r.Body.Length)]}");
                Assert.Equal(HttpStatusCode.ServiceUnavailable, r.Status);
                Assert.True(r.RetryAfter, $"{person}: 503 without Retry-After");
                Assert.Contains("\"detail\"", r.Body, StringComparison.Ordinal);
                Assert.DoesNotContain(Azurite.AccountKey, r.Body, StringComparison.Ordinal);
            }

            Assert.True(acknowledged.Count >= 6, $"only {acknowledged.Count} of {people.Count} enrolments acknowledged");
            foreach (var person in acknowledged)
            {
                var view = await silo.Http.GetFromJsonAsync<JsonElement>($"/identities/{person}");
                Assert.Equal(1, view.GetProperty("faces").GetArrayLength());
            }

            // As a client does with a 503: send it again after Retry-After, for up to a minute.
            var recovery = Stopwatch.StartNew();
            foreach (var (person, _) in refused)
            {
                HttpStatusCode status;
                do
                {
                    using var again = await silo.Http.PostAsync($"/identities/{person}/faces", Multipart.Files(("f", "a.jpg", Images(person).First())));
                    status = again.StatusCode;
                    if (status == HttpStatusCode.ServiceUnavailable)
                    {
                        await Task.Delay(TimeSpan.FromSeconds(1));
                    }
                }
                while (status == HttpStatusCode.ServiceUnavailable && recovery.Elapsed < TimeSpan.FromMinutes(1));

                Assert.Equal(HttpStatusCode.OK, status);
            }

            output.WriteLine($"refused enrolments all accepted {recovery.Elapsed.TotalSeconds:F1} s after the outage");

            var listed = (await silo.Http.GetFromJsonAsync<JsonElement>("/identities")).GetProperty("identities");
            Assert.Equal(people.Count, listed.GetArrayLength());
            Assert.StartsWith("identified", await Answer(silo, people[^1], 0), StringComparison.Ordinal);
        }
        finally
        {
            TestSilo.DeleteHome(home);
        }
    }

    private static async Task<string> Answer(TestSilo silo, string person = "Colin_Powell", int image = 5)
    {
        var response = await silo.Http.PostAsync("/identify?threshold=0.93", Multipart.Files(("p", "p.jpg", Images(person).ElementAt(image))));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var a = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("answers")[0].GetProperty("faces")[0];
        return $"{a.GetProperty("decision").GetString()} {a.GetProperty("identity_id")} {a.GetProperty("score").GetSingle():F5}";
    }

    private static IEnumerable<byte[]> Images(string person) =>
        Directory.GetFiles(SharedData.PathOf("lfw", person)).Order(StringComparer.Ordinal).Select(File.ReadAllBytes);
}
