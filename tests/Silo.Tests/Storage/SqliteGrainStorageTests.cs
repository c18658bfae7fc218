using FaceGrains.Silo.Storage;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;
using Xunit;

namespace FaceGrains.Silo.Tests.Storage;

public sealed class SqliteGrainStorageTests : IDisposable
{
    private static readonly ServiceProvider Services = new ServiceCollection().AddSerializer().BuildServiceProvider();
    private readonly string folder = Path.Combine(Path.GetTempPath(), "facegrains-sqlite-" + Guid.NewGuid().ToString("N"));
    private readonly GrainId grain = GrainId.Create("identity", "alice");

    private string DatabasePath => Path.Combine(folder, "grains.db");

    private SqliteGrainStorage OpenStore() => new(
        DatabasePath,
        new OrleansGrainStorageSerializer(Services.GetRequiredService<Serializer>()),
        Services.GetRequiredService<IActivatorProvider>());

    [Fact]
    public async Task Missing_state_reads_as_default_without_etag()
    {
        var state = new GrainState<Dictionary<string, float[]>>();
        await OpenStore().ReadStateAsync("faces", grain, state);
        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);
        Assert.NotNull(state.State);
        Assert.Empty(state.State!);
    }

    [Fact]
    public async Task Round_trip_keeps_the_state_and_advances_the_etag()
    {
        var store = OpenStore();
        var written = new GrainState<Dictionary<string, float[]>>(new() { ["f1"] = [0.25f, -1f, 3.5f] });
        await store.WriteStateAsync("faces", grain, written);
        var firstETag = written.ETag;
        Assert.NotNull(firstETag);
        written.State!["f2"] = [1f];
        await store.WriteStateAsync("faces", grain, written);
        Assert.NotEqual(firstETag, written.ETag);

        var read = new GrainState<Dictionary<string, float[]>>();
        await store.ReadStateAsync("faces", grain, read);
        Assert.True(read.RecordExists);
        Assert.Equal(written.ETag, read.ETag);
        Assert.Equal([0.25f, -1f, 3.5f], read.State!["f1"]);
        Assert.Equal([1f], read.State["f2"]);
    }

    [Fact]
    public async Task States_are_kept_apart_by_grain_and_state_name()
    {
        var store = OpenStore();
        await store.WriteStateAsync("faces", grain, new GrainState<List<string>>(["a"]));
        await store.WriteStateAsync("faces", GrainId.Create("identity", "bob"), new GrainState<List<string>>(["b"]));
        await store.WriteStateAsync("other", grain, new GrainState<List<string>>(["c"]));
        var read = new GrainState<List<string>>();
        await store.ReadStateAsync("faces", grain, read);
        Assert.Equal(["a"], read.State);
    }

    [Fact]
    public async Task Clear_removes_the_state_and_a_later_write_starts_again()
    {
        var store = OpenStore();
        var state = new GrainState<List<string>>(["a"]);
        await store.WriteStateAsync("faces", grain, state);
        await store.ClearStateAsync("faces", grain, state);
        Assert.Null(state.ETag);
        Assert.False(state.RecordExists);
        Assert.Empty(state.State!);

        var read = new GrainState<List<string>>();
        await store.ReadStateAsync("faces", grain, read);
        Assert.False(read.RecordExists);

        state.State!.Add("b");
        await store.WriteStateAsync("faces", grain, state);
        await store.ReadStateAsync("faces", grain, read);
        Assert.Equal(["b"], read.State);
    }

    [Fact]
    public async Task A_stale_etag_is_refused_and_the_stored_state_is_unchanged()
    {
        var store = OpenStore();
        var first = new GrainState<List<string>>(["v1"]);
        await store.WriteStateAsync("faces", grain, first);
        var stale = new GrainState<List<string>>();
        await store.ReadStateAsync("faces", grain, stale);
        first.State = ["v2"];
        await store.WriteStateAsync("faces", grain, first);

        stale.State = ["lost update"];
        await Assert.ThrowsAsync<InconsistentStateException>(() => store.WriteStateAsync("faces", grain, stale));
        await Assert.ThrowsAsync<InconsistentStateException>(() => store.ClearStateAsync("faces", grain, stale));

        // A writer that thinks there is no record yet is refused too.
        await Assert.ThrowsAsync<InconsistentStateException>(() => store.WriteStateAsync("faces", grain, new GrainState<List<string>>(["new"])));

        var read = new GrainState<List<string>>();
        await store.ReadStateAsync("faces", grain, read);
        Assert.Equal(["v2"], read.State);
        Assert.Equal(first.ETag, read.ETag);
    }

    [Fact]
    public async Task Concurrent_writers_lose_no_update()
    {
        var store = OpenStore();
        const int writers = 8, incrementsEach = 10;
        var tasks = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < incrementsEach; i++)
            {
                while (true)
                {
                    var state = new GrainState<List<int>>();
                    await store.ReadStateAsync("counter", grain, state);
                    state.State!.Add(w * 1000 + i);
                    try
                    {
                        await store.WriteStateAsync("counter", grain, state);
                        break;
                    }
                    catch (InconsistentStateException)
                    {
                        // Someone wrote in between: read again and retry, as a grain reactivating would.
                    }
                }
            }
        }));
        await Task.WhenAll(tasks);

        var read = new GrainState<List<int>>();
        await store.ReadStateAsync("counter", grain, read);
        Assert.Equal(writers * incrementsEach, read.State!.Count);
        Assert.Equal(writers * incrementsEach, read.State.Distinct().Count());
    }

    [Fact]
    public async Task State_survives_reopening_the_file()
    {
        var state = new GrainState<Dictionary<string, float[]>>(new() { ["f"] = [1f, 2f] });
        await OpenStore().WriteStateAsync("faces", grain, state);
        SqliteConnectionPoolReset();

        var read = new GrainState<Dictionary<string, float[]>>();
        await OpenStore().ReadStateAsync("faces", grain, read);
        Assert.Equal([1f, 2f], read.State!["f"]);
        Assert.Equal(state.ETag, read.ETag);
        Assert.Single(Directory.GetFiles(folder, "*.db"));
    }

    public void Dispose()
    {
        SqliteConnectionPoolReset();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp folder.
        }
    }

    private static void SqliteConnectionPoolReset() => Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
}
