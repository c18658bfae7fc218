using System.Buffers.Binary;
using FaceGrains.Recognition.Importers;
using Xunit;

namespace FaceGrains.Recognition.Tests.Importers;

public sealed class TfjsWeightsTests
{
    private const string Manifest = """
        [{ "paths": ["a.bin", "b.bin"], "weights": [
          { "name": "q8", "shape": [2, 2], "dtype": "float32", "quantization": { "dtype": "uint8", "min": -1.0, "scale": 0.5 } },
          { "name": "f32", "shape": [3], "dtype": "float32" },
          { "name": "q16", "shape": [2], "dtype": "float32", "quantization": { "dtype": "uint16", "min": 10.0, "scale": 0.25 } },
          { "name": "h", "shape": [1], "dtype": "float32", "quantization": { "dtype": "float16" } }
        ]}]
        """;

    [Fact]
    public void Reads_each_tensor_by_its_own_storage_across_shards()
    {
        var data = new List<byte> { 0, 1, 2, 4 }; // q8 → min + q·scale
        foreach (var v in new[] { 1.5f, -2f, 0.25f })
        {
            var b = new byte[4];
            BinaryPrimitives.WriteSingleLittleEndian(b, v);
            data.AddRange(b);
        }

        data.AddRange([8, 0, 0, 1]); // uint16 8 and 256
        var half = new byte[2];
        BinaryPrimitives.WriteHalfLittleEndian(half, (Half)0.75f);
        data.AddRange(half);
        var all = data.ToArray();
        var shards = new Dictionary<string, byte[]> { ["a.bin"] = all[..5], ["b.bin"] = all[5..] };

        var tensors = TfjsWeights.Read(Manifest, p => shards[p]);

        Assert.Equal([-1f, -0.5f, 0f, 1f], tensors["q8"].Values);
        Assert.Equal([2, 2], tensors["q8"].Shape);
        Assert.Equal([1.5f, -2f, 0.25f], tensors["f32"].Values);
        Assert.Equal([12f, 74f], tensors["q16"].Values);
        Assert.Equal([0.75f], tensors["h"].Values);
    }

    [Fact]
    public void Short_shards_are_refused_naming_the_tensor()
    {
        var error = Assert.Throws<InvalidDataException>(() => TfjsWeights.Read(Manifest, p => p == "a.bin" ? new byte[6] : []));
        Assert.Contains("f32", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Extra_bytes_are_refused()
    {
        var error = Assert.Throws<InvalidDataException>(() => TfjsWeights.Read(Manifest, p => p == "a.bin" ? new byte[4 + 12 + 4 + 2 + 1] : []));
        Assert.Contains("describes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_quantisation_is_refused()
    {
        const string manifest = """[{ "paths": ["a"], "weights": [{ "name": "x", "shape": [1], "dtype": "float32", "quantization": { "dtype": "int4" } }] }]""";
        var error = Assert.Throws<InvalidDataException>(() => TfjsWeights.Read(manifest, _ => new byte[1]));
        Assert.Contains("int4", error.Message, StringComparison.Ordinal);
    }
}
