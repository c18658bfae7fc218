using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using FaceGrains.Recognition.Similarity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace FaceGrains.Grains;

/// <summary>Where a shard's last snapshot is: its generation's chunks, when it was taken, and the payload's SHA-256.</summary>
[GenerateSerializer, Alias("facegrains.shard-snapshot-head")]
public sealed class ShardSnapshotHead
{
    [Id(0)] public long Generation { get; set; }
    [Id(1)] public DateTimeOffset TakenUtc { get; set; }
    [Id(2)] public int Chunks { get; set; }
    [Id(3)] public int Identities { get; set; }
    [Id(4)] public string Sha256 { get; set; } = "";
}

/// <summary>One piece of a snapshot payload (small enough for any grain storage: Azure Table's entity limit is 1 MB).</summary>
[GenerateSerializer, Alias("facegrains.shard-snapshot-chunk")]
public sealed class ShardSnapshotChunk
{
    [Id(0)] public byte[] Data { get; set; } = [];
}

/// <summary>One identity in a snapshot: its stamp (<see cref="Interfaces.IdentityCentroid.UpdatedUtc"/>) and its rows.</summary>
public readonly record struct SnapshotRows(DateTimeOffset UpdatedUtc, float[] Rows);

/// <summary>
/// A snapshot read back: each identity's stamp and rows, when they were taken, and the center a compact shard rounded
/// its rows around (<see cref="ShardMatrix.Center"/>; empty when it had none).
/// </summary>
public sealed record ShardSnapshot(DateTimeOffset TakenUtc, int Dimension, float[] Center, IReadOnlyDictionary<string, SnapshotRows> Rows);

/// <summary>
/// Keeps a gallery shard's rows in the gallery's grain storage, so a cold start reads them in bulk instead of
/// activating every member identity grain. A snapshot is the shard's identities and rows in one binary payload
/// (<see cref="Serialize"/>), cut into chunks of <see cref="ChunkBytes"/> stored under a fresh generation; the head
/// record, written last, points at the generation, so a snapshot interrupted half-way leaves the previous one in place.
/// The previous generation's chunks are cleared after the head moved. A head whose chunks are missing or do not hash to
/// its SHA-256 is reported as no snapshot (the shard then rebuilds from the identity grains).
/// </summary>
public sealed class ShardSnapshotStore(IServiceProvider services, ILogger<ShardSnapshotStore> logger)
{
    public const int ChunkBytes = 128 * 1024;
    private const string StateName = "shard-snapshot";
    private const uint Magic = 0x53534746; // "FGSS"
    private const int FormatVersion = 2; // 1: no center

    /// <summary>Each shard's current generation and its chunks' ETags, as written or read here, so clearing them needs no read.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (long Generation, string?[] ETags)> known = new(StringComparer.Ordinal);

    private IGrainStorage Storage => services.GetRequiredKeyedService<IGrainStorage>(GalleryStorage.ProviderName);

    /// <summary>
    /// The shard's rows as one payload: magic, format, dimension, identity count, the center's length (0 or the
    /// dimension) and values, then per identity its UTF-8 id, its stamp (UTC ticks), row count and float32 rows (all
    /// little-endian). Format 1, read too, had no center.
    /// </summary>
    public static byte[] Serialize(ShardMatrix matrix, IReadOnlyDictionary<string, DateTimeOffset> stamps)
    {
        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(FormatVersion);
        writer.Write(matrix.Dimension);
        writer.Write(matrix.IdentityCount);
        writer.Write(matrix.Center.Length);
        foreach (var v in matrix.Center)
        {
            writer.Write(v);
        }

        foreach (var id in matrix.Ids)
        {
            var rows = matrix.RowsOf(id);
            writer.Write(id);
            writer.Write(stamps.TryGetValue(id, out var stamp) ? stamp.UtcTicks : 0L);
            writer.Write(rows.Length / matrix.Dimension);
            var bytes = new byte[rows.Length * sizeof(float)];
            for (var i = 0; i < rows.Length; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), rows[i]);
            }

            writer.Write(bytes);
        }

        writer.Flush();
        return stream.ToArray();
    }

    /// <summary>Reads a payload of <see cref="Serialize"/>; throws <see cref="InvalidDataException"/> on anything else.</summary>
    public static (int Dimension, float[] Center, Dictionary<string, SnapshotRows> Rows) Deserialize(byte[] payload)
    {
        try
        {
            using var reader = new BinaryReader(new MemoryStream(payload), Encoding.UTF8);
            var format = reader.ReadUInt32() == Magic ? reader.ReadInt32() : -1;
            if (format is not (1 or FormatVersion))
            {
                throw new InvalidDataException($"Not a shard snapshot of format 1 or {FormatVersion}.");
            }

            var dimension = reader.ReadInt32();
            var count = reader.ReadInt32();
            if (dimension <= 0 || count < 0)
            {
                throw new InvalidDataException($"Bad snapshot header: dimension {dimension}, {count} identities.");
            }

            var centerLength = format == 1 ? 0 : reader.ReadInt32();
            if (centerLength != 0 && centerLength != dimension)
            {
                throw new InvalidDataException($"Bad center of {centerLength} values for dimension {dimension}.");
            }

            var center = new float[centerLength];
            for (var d = 0; d < center.Length; d++)
            {
                center[d] = reader.ReadSingle();
                if (!float.IsFinite(center[d]))
                {
                    throw new InvalidDataException("The snapshot's center has a value that is not finite.");
                }
            }

            var rows = new Dictionary<string, SnapshotRows>(count, StringComparer.Ordinal);
            for (var i = 0; i < count; i++)
            {
                var id = reader.ReadString();
                var ticks = reader.ReadInt64();
                if (ticks is < 0 || ticks > DateTimeOffset.MaxValue.UtcTicks)
                {
                    throw new InvalidDataException($"Bad stamp {ticks} for '{id}'.");
                }

                var rowCount = reader.ReadInt32();
                if (rowCount <= 0 || (long)rowCount * dimension * sizeof(float) > payload.Length)
                {
                    throw new InvalidDataException($"Bad row count {rowCount} for '{id}'.");
                }

                var bytes = reader.ReadBytes(rowCount * dimension * sizeof(float));
                if (bytes.Length != rowCount * dimension * sizeof(float))
                {
                    throw new InvalidDataException("Snapshot payload ends inside a row.");
                }

                var values = new float[rowCount * dimension];
                for (var j = 0; j < values.Length; j++)
                {
                    values[j] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(j * sizeof(float)));
                }

                rows[id] = new SnapshotRows(new DateTimeOffset(ticks, TimeSpan.Zero), values);
            }

            if (reader.BaseStream.Position != payload.Length)
            {
                throw new InvalidDataException("Snapshot payload has trailing bytes.");
            }

            return (dimension, center, rows);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("Snapshot payload is truncated.", e);
        }
    }

    /// <summary>Writes a payload taken at <paramref name="takenUtc"/> as the shard's snapshot and clears the previous one's chunks.</summary>
    public async Task SaveAsync(string shardKey, byte[] payload, int identities, DateTimeOffset takenUtc)
    {
        var storage = Storage;
        var head = new GrainState<ShardSnapshotHead>(new ShardSnapshotHead());
        await storage.ReadStateAsync(StateName, HeadId(shardKey), head);
        var previous = head.RecordExists ? head.State : null;
        var generation = Math.Max(takenUtc.UtcTicks, (previous?.Generation ?? 0) + 1);
        var chunks = (payload.Length + ChunkBytes - 1) / ChunkBytes;
        var etags = new string?[chunks];
        for (var c = 0; c < chunks; c++)
        {
            var piece = payload.AsSpan(c * ChunkBytes, Math.Min(ChunkBytes, payload.Length - (c * ChunkBytes))).ToArray();
            var chunk = new GrainState<ShardSnapshotChunk>(new ShardSnapshotChunk { Data = piece });
            await storage.WriteStateAsync(StateName, ChunkId(shardKey, generation, c), chunk);
            etags[c] = chunk.ETag;
        }

        head.State = new ShardSnapshotHead
        {
            Generation = generation,
            TakenUtc = takenUtc,
            Chunks = chunks,
            Identities = identities,
            Sha256 = Convert.ToHexStringLower(SHA256.HashData(payload)),
        };
        await storage.WriteStateAsync(StateName, HeadId(shardKey), head);
        var before = known.TryGetValue(shardKey, out var k) ? k : default;
        known[shardKey] = (generation, etags);
        if (previous is not null)
        {
            await ClearChunksAsync(storage, shardKey, previous, before.Generation == previous.Generation ? before.ETags : null);
        }
    }

    /// <summary>The shard's snapshot, or null when there is none or it cannot be read whole (logged).</summary>
    public async Task<ShardSnapshot?> LoadAsync(string shardKey)
    {
        var storage = Storage;
        var head = new GrainState<ShardSnapshotHead>(new ShardSnapshotHead());
        await storage.ReadStateAsync(StateName, HeadId(shardKey), head);
        if (!head.RecordExists || head.State is not { Chunks: > 0 } current)
        {
            return null;
        }

        using var payload = new MemoryStream();
        var etags = new string?[current.Chunks];
        for (var c = 0; c < current.Chunks; c++)
        {
            var chunk = new GrainState<ShardSnapshotChunk>(new ShardSnapshotChunk());
            await storage.ReadStateAsync(StateName, ChunkId(shardKey, current.Generation, c), chunk);
            if (!chunk.RecordExists || chunk.State?.Data is not { Length: > 0 })
            {
                logger.LogWarning("Shard {Shard}: snapshot chunk {Chunk} of {Chunks} is missing; rebuilding from the identities.", shardKey, c, current.Chunks);
                return null;
            }

            payload.Write(chunk.State!.Data);
            etags[c] = chunk.ETag;
        }

        var bytes = payload.ToArray();
        if (Convert.ToHexStringLower(SHA256.HashData(bytes)) != current.Sha256)
        {
            logger.LogWarning("Shard {Shard}: snapshot does not match its SHA-256; rebuilding from the identities.", shardKey);
            return null;
        }

        try
        {
            var (dimension, center, rows) = Deserialize(bytes);
            known[shardKey] = (current.Generation, etags);
            return new ShardSnapshot(current.TakenUtc, dimension, center, rows);
        }
        catch (InvalidDataException e)
        {
            logger.LogWarning(e, "Shard {Shard}: snapshot unreadable; rebuilding from the identities.", shardKey);
            return null;
        }
    }

    /// <summary>Removes the shard's snapshot (its head and chunks), e.g. when its version's index is cleared.</summary>
    public async Task DeleteAsync(string shardKey)
    {
        var storage = Storage;
        var head = new GrainState<ShardSnapshotHead>(new ShardSnapshotHead());
        await storage.ReadStateAsync(StateName, HeadId(shardKey), head);
        if (head.RecordExists && head.State is { } current)
        {
            await ClearChunksAsync(storage, shardKey, current, known.TryGetValue(shardKey, out var k) && k.Generation == current.Generation ? k.ETags : null);
            await storage.ClearStateAsync(StateName, HeadId(shardKey), head);
            known.TryRemove(shardKey, out _);
        }
    }

    /// <summary>Clears a generation's chunks, with their ETags when known here (else each is read first for its ETag).</summary>
    private static async Task ClearChunksAsync(IGrainStorage storage, string shardKey, ShardSnapshotHead head, string?[]? etags)
    {
        for (var c = 0; c < head.Chunks; c++)
        {
            var chunk = new GrainState<ShardSnapshotChunk>(new ShardSnapshotChunk());
            if (etags is { } e && c < e.Length)
            {
                chunk.ETag = e[c];
                chunk.RecordExists = true;
            }
            else
            {
                await storage.ReadStateAsync(StateName, ChunkId(shardKey, head.Generation, c), chunk);
            }

            if (chunk.RecordExists)
            {
                await storage.ClearStateAsync(StateName, ChunkId(shardKey, head.Generation, c), chunk);
            }
        }
    }

    private static GrainId HeadId(string shardKey) => GrainId.Create("facegrains-shard-snapshot", shardKey);

    private static GrainId ChunkId(string shardKey, long generation, int chunk) =>
        GrainId.Create("facegrains-shard-snapshot-chunk", $"{shardKey}/{generation}/{chunk}");
}
