using System.Buffers.Binary;
using System.Text.Json;

namespace FaceGrains.Recognition.Importers;

/// <summary>
/// Reads TensorFlow.js "weights manifest" + binary shards: tensors lie back to back in manifest order
/// across the shards of all groups; each tensor's own entry decides its storage — plain float32, or
/// quantised (uint8/uint16 with <c>w = min + q·scale</c>, or float16).
/// </summary>
public static class TfjsWeights
{
    /// <param name="manifestJson">The weights_manifest.json text.</param>
    /// <param name="readShard">Returns the bytes of a shard file named in the manifest's "paths".</param>
    public static IReadOnlyDictionary<string, TfjsTensor> Read(string manifestJson, Func<string, byte[]> readShard)
    {
        using var document = JsonDocument.Parse(manifestJson);
        if (document.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidDataException("TFJS weights manifest must be a JSON array of weight groups.");
        }

        var tensors = new Dictionary<string, TfjsTensor>(StringComparer.Ordinal);
        foreach (var group in document.RootElement.EnumerateArray())
        {
            var data = group.GetProperty("paths").EnumerateArray()
                .SelectMany(p => readShard(p.GetString() ?? throw new InvalidDataException("Empty shard path in TFJS manifest.")))
                .ToArray();
            var offset = 0;
            foreach (var entry in group.GetProperty("weights").EnumerateArray())
            {
                var tensor = ReadTensor(entry, data, ref offset);
                if (!tensors.TryAdd(tensor.Name, tensor))
                {
                    throw new InvalidDataException($"TFJS manifest names tensor '{tensor.Name}' twice.");
                }
            }

            if (offset != data.Length)
            {
                throw new InvalidDataException($"TFJS weights: the manifest describes {offset} bytes but the shards hold {data.Length}.");
            }
        }

        return tensors;
    }

    private static TfjsTensor ReadTensor(JsonElement entry, byte[] data, ref int offset)
    {
        var name = entry.GetProperty("name").GetString() ?? "";
        var shape = entry.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray();
        var count = shape.Aggregate(1, (a, d) => checked(a * d));
        var dtype = entry.GetProperty("dtype").GetString();
        // int32 entries are graph constants of the original TF model (e.g. the SSD's resize size); they are read
        // (as floats) so the shards stay in step, and the architectures that need none leave them unused.
        if (dtype is not ("float32" or "int32"))
        {
            throw new InvalidDataException($"TFJS tensor '{name}' has dtype '{dtype}'; only float32 (and int32 constants) are supported.");
        }

        if (dtype == "int32" && !entry.TryGetProperty("quantization", out _))
        {
            Need(name, data, offset, count * 4);
            var ints = new float[count];
            for (var i = 0; i < count; i++)
            {
                ints[i] = BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(offset + (i * 4)));
            }

            offset += count * 4;
            return new TfjsTensor(name, shape, ints);
        }

        var values = new float[count];
        if (!entry.TryGetProperty("quantization", out var quantization))
        {
            Need(name, data, offset, count * 4);
            for (var i = 0; i < count; i++)
            {
                values[i] = BinaryPrimitives.ReadSingleLittleEndian(data.AsSpan(offset + (i * 4)));
            }

            offset += count * 4;
            return new TfjsTensor(name, shape, values);
        }

        var storage = quantization.GetProperty("dtype").GetString();
        switch (storage)
        {
            case "uint8":
            {
                var (min, scale) = Affine(quantization);
                Need(name, data, offset, count);
                for (var i = 0; i < count; i++)
                {
                    values[i] = (float)(min + (data[offset + i] * scale));
                }

                offset += count;
                break;
            }

            case "uint16":
            {
                var (min, scale) = Affine(quantization);
                Need(name, data, offset, count * 2);
                for (var i = 0; i < count; i++)
                {
                    values[i] = (float)(min + (BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(offset + (i * 2))) * scale));
                }

                offset += count * 2;
                break;
            }

            case "float16":
                Need(name, data, offset, count * 2);
                for (var i = 0; i < count; i++)
                {
                    values[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(data.AsSpan(offset + (i * 2)));
                }

                offset += count * 2;
                break;

            default:
                throw new InvalidDataException($"TFJS tensor '{name}' uses quantisation '{storage}', which is not supported.");
        }

        return new TfjsTensor(name, shape, values);
    }

    private static (double Min, double Scale) Affine(JsonElement quantization) =>
        (quantization.GetProperty("min").GetDouble(), quantization.GetProperty("scale").GetDouble());

    private static void Need(string name, byte[] data, int offset, int bytes)
    {
        if (offset + bytes > data.Length)
        {
            throw new InvalidDataException($"TFJS weights end early: tensor '{name}' needs {bytes} bytes at offset {offset}, the shards hold {data.Length}.");
        }
    }
}
