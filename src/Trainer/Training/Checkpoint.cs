using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using static TorchSharp.torch;

namespace FaceGrains.Trainer.Training;

/// <summary>
/// A training checkpoint file: magic "FGCKPT01", a JSON header (epoch, step, tensor index), the raw tensor
/// bytes (float32 / int64, little-endian) and a SHA-256 of everything before it. Anything that does not
/// check out is refused with <see cref="CheckpointException"/> rather than half-loaded.
/// </summary>
public sealed class Checkpoint
{
    private static readonly byte[] Magic = "FGCKPT01"u8.ToArray();

    public sealed record Header
    {
        [JsonPropertyName("epoch")] public int Epoch { get; init; }
        [JsonPropertyName("global_step")] public long GlobalStep { get; init; }
        [JsonPropertyName("optimizer_steps")] public long OptimizerSteps { get; init; }
        [JsonPropertyName("backbone")] public string Backbone { get; init; } = "";
        /// <summary>The dynamic loss scaler's state (mixed-precision runs only).</summary>
        [JsonPropertyName("loss_scale"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? LossScale { get; init; }
        [JsonPropertyName("loss_scale_clean_steps"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? LossScaleCleanSteps { get; init; }
        [JsonPropertyName("tensors")] public List<Entry> Tensors { get; init; } = [];
    }

    public sealed record Entry(
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("dtype")] string DType,
        [property: JsonPropertyName("shape")] long[] Shape);

    public required Header Info { get; init; }

    public required Dictionary<string, Tensor> Tensors { get; init; }

    public static void Save(string path, Header info, IReadOnlyDictionary<string, Tensor> tensors)
    {
        var entries = new List<Entry>();
        var blobs = new List<byte[]>();
        foreach (var (name, t) in tensors)
        {
            var cpu = t.detach().cpu().contiguous();
            switch (cpu.dtype)
            {
                case ScalarType.Float32:
                    blobs.Add(MemoryMarshalBytes(cpu.data<float>().ToArray()));
                    entries.Add(new Entry(name, "float32", cpu.shape));
                    break;
                case ScalarType.Int64:
                    blobs.Add(MemoryMarshalBytes(cpu.data<long>().ToArray()));
                    entries.Add(new Entry(name, "int64", cpu.shape));
                    break;
                default:
                    throw new NotSupportedException($"checkpoint tensor '{name}' has dtype {cpu.dtype}");
            }
        }

        var header = JsonSerializer.SerializeToUtf8Bytes(info with { Tensors = entries });
        var tmp = path + ".tmp";
        using (var file = File.Create(tmp))
        using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
        {
            void Write(ReadOnlySpan<byte> bytes)
            {
                file.Write(bytes);
                hash.AppendData(bytes);
            }

            Write(Magic);
            Write(BitConverter.GetBytes(header.Length));
            Write(header);
            foreach (var blob in blobs)
            {
                Write(blob);
            }

            file.Write(hash.GetHashAndReset());
        }

        File.Move(tmp, path, overwrite: true);
    }

    public static Checkpoint Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new CheckpointException($"checkpoint '{path}' does not exist");
        }

        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < Magic.Length + 4 + 32 || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            throw new CheckpointException($"'{path}' is not a FaceGrains checkpoint (bad magic or too short)");
        }

        var body = bytes.AsSpan(0, bytes.Length - 32);
        if (!SHA256.HashData(body).AsSpan().SequenceEqual(bytes.AsSpan(bytes.Length - 32)))
        {
            throw new CheckpointException($"checkpoint '{path}' is corrupt: its SHA-256 does not match its contents");
        }

        var headerLength = BitConverter.ToInt32(bytes, Magic.Length);
        var offset = Magic.Length + 4;
        if (headerLength <= 0 || offset + headerLength > body.Length)
        {
            throw new CheckpointException($"checkpoint '{path}' is corrupt: bad header length");
        }

        Header info;
        try
        {
            info = JsonSerializer.Deserialize<Header>(body.Slice(offset, headerLength)) ?? throw new CheckpointException($"checkpoint '{path}' has an empty header");
        }
        catch (JsonException e)
        {
            throw new CheckpointException($"checkpoint '{path}' is corrupt: {e.Message}");
        }

        offset += headerLength;
        var tensors = new Dictionary<string, Tensor>();
        foreach (var e in info.Tensors)
        {
            var count = e.Shape.Aggregate(1L, (a, b) => a * b);
            var size = e.DType == "int64" ? 8 : 4;
            if (count < 0 || offset + (count * size) > body.Length)
            {
                throw new CheckpointException($"checkpoint '{path}' is corrupt: tensor '{e.Name}' runs past the end");
            }

            var span = body.Slice(offset, (int)(count * size));
            tensors[e.Name] = e.DType switch
            {
                "float32" => tensor(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(span).ToArray(), e.Shape),
                "int64" => tensor(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(span).ToArray(), e.Shape),
                _ => throw new CheckpointException($"checkpoint '{path}': tensor '{e.Name}' has unknown dtype '{e.DType}'"),
            };
            offset += (int)(count * size);
        }

        if (offset != body.Length)
        {
            throw new CheckpointException($"checkpoint '{path}' is corrupt: {body.Length - offset} unexplained bytes");
        }

        return new Checkpoint { Info = info, Tensors = tensors };
    }

    /// <summary>Copies saved values into a module's parameters and buffers; every one must be present with the same shape.</summary>
    public void Restore(TorchSharp.torch.nn.Module module, string prefix)
    {
        using var noGrad = no_grad();
        foreach (var (name, target) in module.state_dict())
        {
            if (!Tensors.TryGetValue(prefix + name, out var saved))
            {
                throw new CheckpointException($"checkpoint lacks '{prefix + name}' (a different network or loss?)");
            }

            if (!saved.shape.SequenceEqual(target.shape))
            {
                throw new CheckpointException($"checkpoint '{prefix + name}' has shape [{string.Join(",", saved.shape)}], the network has [{string.Join(",", target.shape)}]");
            }

            target.copy_(saved);
        }
    }

    public Dictionary<string, Tensor> WithPrefix(string prefix) =>
        Tensors.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value);

    private static byte[] MemoryMarshalBytes<T>(T[] values) where T : struct =>
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    public static string Describe(Header h) => Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(h));
}
