using System.Globalization;
using System.Net;
using FaceGrains.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace FaceGrains.Silo.Tests.Api;

/// <summary>
/// <c>GET /metrics</c> on a real silo after enrol, identify and verify over REST: every series the README lists is
/// there, counting what was done.
/// </summary>
[Collection(SiloCollection.Name)]
public sealed class MetricsTests(ITestOutputHelper output)
{
    [RequiresModelFact("lfw")]
    public async Task Enrol_identify_and_verify_show_up_in_the_prometheus_text()
    {
        var home = TestSilo.NewHome();
        try
        {
            // Snapshots every second, so the snapshot series shows up within the test.
            await using var silo = await TestSilo.StartAsync(home, "--FaceGrains:Gallery:ShardSnapshotSeconds=1");
            var http = silo.Http;
            foreach (var person in new[] { "Colin_Powell", "Tony_Blair" })
            {
                var enrolled = await http.PostAsync($"/identities/{person}/faces", Multipart.Files(Lfw(person).Take(3).Select((b, i) => ("f", $"{person}_{i}.jpg", b)).ToArray()));
                Assert.Equal(HttpStatusCode.OK, enrolled.StatusCode);
            }

            var identified = await http.PostAsync("/identify", Multipart.Files(
                ("p", "known.jpg", Lfw("Colin_Powell").ElementAt(5)),
                ("p", "stranger.jpg", Lfw("Vladimir_Putin").First())));
            Assert.Equal(HttpStatusCode.OK, identified.StatusCode);
            var verified = await http.PostAsync("/verify", Multipart.Files(("a", "a.jpg", Lfw("Tony_Blair").ElementAt(6))).With("identity", "Tony_Blair"));
            Assert.Equal(HttpStatusCode.OK, verified.StatusCode);

            // Until both shards holding a row have written a snapshot (each shard snapshots on its own timer, so one may
            // show before the other; the series' name alone may appear in its # TYPE line before any sample), up to a
            // minute: on a loaded machine a fresh home's first grain-storage writes can be slow.
            const int twoRowsOfBytes = 2 * 128 * 4;
            for (var wait = 0; wait < 240 && !(Sum(Parse(await http.GetStringAsync("/metrics")), "facegrains_shard_snapshot_bytes_total") > twoRowsOfBytes); wait++)
            {
                await Task.Delay(250);
            }

            var response = await http.GetAsync("/metrics");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
            var samples = Parse(await response.Content.ReadAsStringAsync());
            output.WriteLine(string.Join('\n', samples.Where(s => !s.Name.EndsWith("_bucket", StringComparison.Ordinal)).Select(s => $"{s.Name}{{{s.Labels}}} {s.Value}")));

            Assert.True(Sum(samples, "facegrains_enrol_duration_seconds_count", "outcome=\"accepted\"") >= 2);
            Assert.True(Sum(samples, "facegrains_identify_duration_seconds_count", "outcome=\"identified\"") >= 1);
            Assert.True(Sum(samples, "facegrains_verify_duration_seconds_count", "outcome=\"match\"") >= 1);
            Assert.True(Sum(samples, "facegrains_enrol_duration_seconds_sum") > 0);
            Assert.True(Sum(samples, "facegrains_embedder_batch_size_count") >= 3);
            Assert.True(Sum(samples, "facegrains_embedder_batch_size_sum") >= 8); // 6 enrolment photos, 2 probes, 1 verify probe
            Assert.True(Sum(samples, "facegrains_embedder_queue_wait_seconds_count") >= 3);
            Assert.Equal(2, Sum(samples, "facegrains_shard_rows"));
            Assert.True(Sum(samples, "facegrains_shard_search_duration_seconds_count") >= 1);
            Assert.True(Sum(samples, "facegrains_shard_rebuild_duration_seconds_count") >= 1); // every shard activated once
            Assert.Equal(0, Sum(samples, "facegrains_shard_rebuild_identities_total", "source=\"snapshot\"")); // a fresh home has none
            Assert.True(Sum(samples, "facegrains_shard_snapshot_bytes_total") > twoRowsOfBytes); // two identities' rows at least
            Assert.Equal(1, Sum(samples, "facegrains_identify_answers_total", "decision=\"identified\""));
            Assert.Equal(1, Sum(samples, "facegrains_identify_answers_total", "decision=\"no_correspondence\""));
            Assert.Equal(2, Sum(samples, "facegrains_identify_top_score_count"));
            Assert.Equal(2, Sum(samples, "facegrains_identify_recent_faces"));
            Assert.Equal(0.5, Sum(samples, "facegrains_identify_recent_above_threshold"));
            var expected = Sum(samples, "facegrains_identify_recent_expected_fpir");
            Assert.InRange(expected, 1e-3, 0.05); // the shipped calibration aims at 1e-2 at N = 2
            var drift = Sum(samples, "facegrains_identify_score_drift");
            Assert.InRange(drift, 0.0, 1.0);
            Assert.Contains(samples, s => s.Name == "facegrains_identify_score_drift");
        }
        finally
        {
            TestSilo.DeleteHome(home);
        }
    }

    /// <summary>Identities the shards of a silo took from their snapshots and asked their grains for, since it started.</summary>
    internal static async Task<(int FromSnapshot, int Asked)> ShardRebuildsAsync(HttpClient http)
    {
        var samples = Parse(await http.GetStringAsync("/metrics"));
        return ((int)Sum(samples, "facegrains_shard_rebuild_identities_total", "source=\"snapshot\""),
            (int)Sum(samples, "facegrains_shard_rebuild_identities_total", "source=\"identity\""));
    }

    internal static double Sum(IReadOnlyList<Sample> samples, string name, string? label = null) =>
        samples.Where(s => s.Name == name && (label is null || s.Labels.Contains(label, StringComparison.Ordinal))).Sum(s => s.Value);

    /// <summary>The samples of a Prometheus text exposition: <c>name{labels} value</c> lines.</summary>
    internal static List<Sample> Parse(string text)
    {
        var samples = new List<Sample>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (line.StartsWith('#'))
            {
                continue;
            }

            var brace = line.IndexOf('{', StringComparison.Ordinal);
            var close = line.LastIndexOf('}');
            var name = brace < 0 ? line[..line.IndexOf(' ', StringComparison.Ordinal)] : line[..brace];
            var labels = brace < 0 ? "" : line[(brace + 1)..close];
            var rest = line[((brace < 0 ? name.Length : close + 1))..].Trim().Split(' ');
            samples.Add(new Sample(name, labels, double.Parse(rest[0], CultureInfo.InvariantCulture)));
        }

        return samples;
    }

    private static IEnumerable<byte[]> Lfw(string person) =>
        Directory.GetFiles(SharedData.PathOf("lfw", person)).Order(StringComparer.Ordinal).Select(File.ReadAllBytes);

    internal sealed record Sample(string Name, string Labels, double Value);
}
