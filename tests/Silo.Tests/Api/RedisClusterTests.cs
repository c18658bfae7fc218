using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using FaceGrains.TestSupport;
using Xunit;

namespace FaceGrains.Silo.Tests.Api;

/// <summary>
/// Cluster profile against a real redis-server (FACEGRAINS_TEST_REDIS, which .ci/run starts): two silos with distinct
/// ports form one cluster through Redis, share one data directory, and see the same gallery; the gallery outlives the
/// silo that enrolled it.
/// </summary>
[Collection(SiloCollection.Name)]
public sealed class RedisClusterTests
{
    [RequiresRedisFact("lfw")]
    public async Task Two_silos_share_one_gallery_through_redis()
    {
        var home = TestSilo.NewHome();
        var cluster = "facegrains-test-" + Guid.NewGuid().ToString("N")[..8];
        string[] settings = ["--FaceGrains:Profile=cluster", $"--FaceGrains:Redis={RequiresRedisFactAttribute.Address}", $"--FaceGrains:ClusterId={cluster}", $"--FaceGrains:ServiceId={cluster}", "--FaceGrains:Gallery:ShardCount=4"];
        try
        {
            await using var second = await TestSilo.StartAsync(home, settings);
            await using (var first = await TestSilo.StartAsync(home, settings))
            {
                foreach (var person in new[] { "Colin_Powell", "Tony_Blair" })
                {
                    var body = Multipart.Files(Images(person).Take(2).Select((b, i) => ("f", $"{i}.jpg", b)).ToArray());
                    Assert.Equal(HttpStatusCode.OK, (await first.Http.PostAsync($"/identities/{person}/faces", body)).StatusCode);
                }

                Assert.Equal(await Answer(first), await Answer(second));
            }

            // The silo that enrolled is gone: state is in Redis, faces in the shared directory.
            var view = await second.Http.GetFromJsonAsync<JsonElement>("/identities/Colin_Powell");
            Assert.Equal(2, view.GetProperty("faces").GetArrayLength());
            Assert.StartsWith("identified Colin_Powell", await Answer(second), StringComparison.Ordinal);
        }
        finally
        {
            TestSilo.DeleteHome(home);
        }
    }

    private static async Task<string> Answer(TestSilo silo)
    {
        var response = await silo.Http.PostAsync("/identify?threshold=0.93", Multipart.Files(("p", "p.jpg", Images("Colin_Powell").ElementAt(5))));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var a = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("answers")[0].GetProperty("faces")[0];
        return $"{a.GetProperty("decision").GetString()} {a.GetProperty("identity_id")} {a.GetProperty("score").GetSingle():F5}";
    }

    private static IEnumerable<byte[]> Images(string person) =>
        Directory.GetFiles(SharedData.PathOf("lfw", person)).Order(StringComparer.Ordinal).Select(File.ReadAllBytes);
}

/// <summary>Runs when the model, the data and a Redis at FACEGRAINS_TEST_REDIS (default 127.0.0.1:6379) are there; says which is missing otherwise.</summary>
public sealed class RequiresRedisFactAttribute : FactAttribute
{
    public static string Address { get; } = Environment.GetEnvironmentVariable("FACEGRAINS_TEST_REDIS") is { Length: > 0 } a ? a : "127.0.0.1:6379";

    public RequiresRedisFactAttribute(params string[] relativeDataPaths)
    {
        Skip = TestRequirements.SkipReason(relativeDataPaths, needsModel: true) ?? RedisMissing();
    }

    private static string? RedisMissing()
    {
        var colon = Address.LastIndexOf(':');
        try
        {
            using var client = new TcpClient();
            if (!client.ConnectAsync(Address[..colon], int.Parse(Address[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture)).Wait(TimeSpan.FromSeconds(2)))
            {
                throw new SocketException();
            }

            return null;
        }
        catch (Exception e) when (e is SocketException or AggregateException or FormatException or ArgumentOutOfRangeException)
        {
            return $"needs a redis-server at {Address} (set FACEGRAINS_TEST_REDIS; .ci/run starts one) and none answered";
        }
    }
}
