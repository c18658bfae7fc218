using FaceGrains.Recognition.Models;
using FaceGrains.Recognition.Onnx;
using FaceGrains.Recognition.Preprocessing;

namespace FaceGrains.Recognition.Tests.Embedding;

/// <summary>
/// A model small enough to compute by hand: embedding = mean of each input channel (GlobalAveragePool + Flatten),
/// times a 3 × embedding-size matrix (MatMul). Written to a temporary folder with its manifest.
/// </summary>
internal sealed class TinyEmbeddingModel : IDisposable
{
    public const int Channels = 3;
    public const int Side = 4;
    public const int EmbeddingSize = 4;

    private readonly string folder = Directory.CreateTempSubdirectory("facegrains-embedding-").FullName;

    public TinyEmbeddingModel(
        int modelEmbeddingSize = EmbeddingSize,
        int modelSide = Side,
        string inputName = "input",
        string outputName = "embedding")
    {
        // Distinct, mixed-sign weights so every output depends on every channel differently.
        Weights = new float[Channels * modelEmbeddingSize];
        for (var i = 0; i < Weights.Length; i++)
        {
            Weights[i] = (i % 2 == 0 ? 1 : -1) * (0.25f + i * 0.5f);
        }

        var graph = new OnnxGraphBuilder("tiny-embedding");
        var x = graph.Input(inputName, Channels, modelSide, modelSide);
        var w = graph.Initializer("w", Weights, Channels, modelEmbeddingSize);
        var y = graph.MatMul(graph.Flatten(graph.GlobalAveragePool(x)), w);
        graph.Output(outputName, y, modelEmbeddingSize);

        OnnxPath = Path.Combine(folder, ModelStore.OnnxFileName);
        File.WriteAllBytes(OnnxPath, graph.ToBytes());
        Version = new ModelVersion(ManifestFor(EmbeddingSize), OnnxPath);
    }

    /// <summary>Row-major [channel, output].</summary>
    public float[] Weights { get; }

    public string OnnxPath { get; }

    /// <summary>The manifest always says 3 × 4 × 4 in, <see cref="EmbeddingSize"/> out, "input" and "embedding".</summary>
    public ModelVersion Version { get; }

    public static ModelManifest ManifestFor(int embeddingSize) => new()
    {
        Id = "tiny",
        Name = "tiny-embedding",
        EmbeddingSize = embeddingSize,
        Preprocessing = new PreprocessingSpec { Width = Side, Height = Side },
    };

    /// <summary>A model version whose ONNX file is <paramref name="bytes"/>, in this model's folder.</summary>
    public ModelVersion WithFile(string fileName, byte[] bytes)
    {
        var path = Path.Combine(folder, fileName);
        File.WriteAllBytes(path, bytes);
        return new ModelVersion(ManifestFor(EmbeddingSize), path);
    }

    /// <summary>The forward pass by hand, for images laid out NCHW.</summary>
    public float[] Forward(ReadOnlySpan<float> inputNchw, int count)
    {
        var embeddingSize = Weights.Length / Channels;
        var pixels = inputNchw.Length / count / Channels;
        var output = new float[count * embeddingSize];
        for (var n = 0; n < count; n++)
        {
            for (var c = 0; c < Channels; c++)
            {
                var mean = 0.0;
                foreach (var v in inputNchw.Slice((n * Channels + c) * pixels, pixels))
                {
                    mean += v;
                }

                mean /= pixels;
                for (var e = 0; e < embeddingSize; e++)
                {
                    output[n * embeddingSize + e] += (float)(mean * Weights[c * embeddingSize + e]);
                }
            }
        }

        return output;
    }

    public static float[] RandomInput(int count, int seed)
    {
        var random = new Random(seed);
        var input = new float[count * Channels * Side * Side];
        foreach (ref var v in input.AsSpan())
        {
            v = random.NextSingle() * 2 - 1;
        }

        return input;
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
