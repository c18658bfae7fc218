using Microsoft.Data.Sqlite;
using Orleans.Runtime;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace FaceGrains.Silo.Storage;

/// <summary>
/// Grain state in one SQLite file: one row per (state name, grain id) holding the serialised state and an
/// integer version that is the ETag. A write or clear carrying any other ETag than the stored one is refused
/// with <see cref="InconsistentStateException"/>, so two activations (or a stale one) never overwrite each other.
/// WAL journal with synchronous=FULL: a write acknowledged to the grain survives a killed process.
/// </summary>
public sealed class SqliteGrainStorage : IGrainStorage
{
    private readonly string connectionString;
    private readonly IGrainStorageSerializer serializer;
    private readonly IActivatorProvider activators;

    public SqliteGrainStorage(string databasePath, IGrainStorageSerializer serializer, IActivatorProvider activators)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        this.serializer = serializer;
        this.activators = activators;
        DatabasePath = Path.GetFullPath(databasePath);
        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        CreateSchema();
    }

    public string DatabasePath { get; }

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => Task.Run(() =>
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT version, data FROM grain_state WHERE state_name = $name AND grain_id = $id";
        command.Parameters.AddWithValue("$name", stateName);
        command.Parameters.AddWithValue("$id", grainId.ToString());
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            grainState.State = CreateDefault<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }

        var version = reader.GetInt64(0);
        var data = (byte[])reader.GetValue(1);
        grainState.State = serializer.Deserialize<T>(new BinaryData(data));
        grainState.ETag = version.ToString(System.Globalization.CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    });

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => Task.Run(() =>
    {
        var data = serializer.Serialize(grainState.State).ToArray();
        using var connection = Open();
        using var command = connection.CreateCommand();
        long next;
        if (grainState.ETag is null)
        {
            // No ETag: the caller believes there is no row. An existing row means someone else wrote first.
            command.CommandText = "INSERT INTO grain_state (state_name, grain_id, version, data) VALUES ($name, $id, 1, $data) ON CONFLICT DO NOTHING";
            next = 1;
        }
        else
        {
            var expected = ParseETag(grainState.ETag, stateName, grainId);
            command.CommandText = "UPDATE grain_state SET version = version + 1, data = $data WHERE state_name = $name AND grain_id = $id AND version = $expected";
            command.Parameters.AddWithValue("$expected", expected);
            next = expected + 1;
        }

        command.Parameters.AddWithValue("$name", stateName);
        command.Parameters.AddWithValue("$id", grainId.ToString());
        command.Parameters.AddWithValue("$data", data);
        if (command.ExecuteNonQuery() != 1)
        {
            throw Conflict(connection, stateName, grainId, grainState.ETag, "write");
        }

        grainState.ETag = next.ToString(System.Globalization.CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    });

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => Task.Run(() =>
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.Parameters.AddWithValue("$name", stateName);
        command.Parameters.AddWithValue("$id", grainId.ToString());
        if (grainState.ETag is null)
        {
            // Nothing was read: clearing is only consistent if there is still nothing stored.
            command.CommandText = "SELECT COUNT(*) FROM grain_state WHERE state_name = $name AND grain_id = $id";
            if ((long)command.ExecuteScalar()! != 0)
            {
                throw Conflict(connection, stateName, grainId, null, "clear");
            }
        }
        else
        {
            command.CommandText = "DELETE FROM grain_state WHERE state_name = $name AND grain_id = $id AND version = $expected";
            command.Parameters.AddWithValue("$expected", ParseETag(grainState.ETag, stateName, grainId));
            if (command.ExecuteNonQuery() != 1)
            {
                throw Conflict(connection, stateName, grainId, grainState.ETag, "clear");
            }
        }

        grainState.State = CreateDefault<T>();
        grainState.ETag = null;
        grainState.RecordExists = false;
    });

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA synchronous = FULL; PRAGMA busy_timeout = 30000;";
        pragma.ExecuteNonQuery();
        return connection;
    }

    private void CreateSchema()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS grain_state (
                state_name TEXT NOT NULL,
                grain_id   TEXT NOT NULL,
                version    INTEGER NOT NULL,
                data       BLOB NOT NULL,
                PRIMARY KEY (state_name, grain_id)
            ) WITHOUT ROWID;
            """;
        command.ExecuteNonQuery();
    }

    private static long ParseETag(string etag, string stateName, GrainId grainId) =>
        long.TryParse(etag, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version)
            ? version
            : throw new InconsistentStateException($"ETag '{etag}' of {stateName} for {grainId} is not one this store issued.", etag, "?");

    private static InconsistentStateException Conflict(SqliteConnection connection, string stateName, GrainId grainId, string? expected, string operation)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT version FROM grain_state WHERE state_name = $name AND grain_id = $id";
        command.Parameters.AddWithValue("$name", stateName);
        command.Parameters.AddWithValue("$id", grainId.ToString());
        var stored = command.ExecuteScalar() is long v ? v.ToString(System.Globalization.CultureInfo.InvariantCulture) : "none";
        return new InconsistentStateException(
            $"Refused {operation} of {stateName} for {grainId}: stored ETag is {stored}, the caller had {expected ?? "none"}.",
            stored,
            expected ?? "none");
    }

    private T CreateDefault<T>() => activators.GetActivator<T>().Create();
}
