using FaceGrains.Recognition.Embedding;
using FaceGrains.Recognition.Images;
using FaceGrains.Recognition.Models;
using Xunit;

namespace FaceGrains.Recognition.Tests.Embedding;

public sealed class FaceEmbedderTests : IDisposable
{
    private const float Tolerance = 1e-5f;
    private const int InputSize = TinyEmbeddingModel.Channels * TinyEmbeddingModel.Side * TinyEmbeddingModel.Side;
    private const int EmbeddingSize = TinyEmbeddingModel.EmbeddingSize;

    private readonly TinyEmbeddingModel model = new();

    public void Dispose() => model.Dispose();

    [Fact]
    public void Reports_manifest_size_and_cpu_provider()
    {
        using var embedder = new FaceEmbedder(model.Version, new EmbedderOptions());

        Assert.Equal(EmbeddingSize, embedder.EmbeddingSize);
        Assert.Equal(InputSize, embedder.InputSize);
        Assert.Same(model.Version.Manifest, embedder.Manifest);
        Assert.Equal(["CPUExecutionProvider"], embedder.Providers);
    }

    [Fact]
    public void Raw_output_equals_the_hand_computed_forward_pass()
    {
        const int count = 5;
        var input = TinyEmbeddingModel.RandomInput(count, seed: 11);
        using var embedder = new FaceEmbedder(model.Version, new EmbedderOptions());

        var (raw, _) = Embed(embedder, input, count);

        var expected = model.Forward(input, count);
        Assert.Equal(expected.Length, raw.Length);
        for (var i = 0; i < raw.Length; i++)
        {
            Assert.InRange(raw[i], expected[i] - Tolerance, expected[i] + Tolerance);
        }
    }

    [Fact]
    public void Normalized_rows_have_unit_norm_and_point_along_raw()
    {
        const int count = 6;
        var input = TinyEmbeddingModel.RandomInput(count, seed: 12);
        using var embedder = new FaceEmbedder(model.Version, new EmbedderOptions());

        var (raw, normalized) = Embed(embedder, input, count);

        for (var n = 0; n < count; n++)
        {
            var rawRow = raw.AsSpan(n * EmbeddingSize, EmbeddingSize);
            var row = normalized.AsSpan(n * EmbeddingSize, EmbeddingSize);
            var rawNorm = Norm(rawRow);
            Assert.True(rawNorm > 0, "test input should give non-zero embeddings");
            Assert.InRange(Norm(row), 1 - Tolerance, 1 + Tolerance);
            for (var e = 0; e < EmbeddingSize; e++)
            {
                Assert.InRange(row[e], rawRow[e] / rawNorm - Tolerance, rawRow[e] / rawNorm + Tolerance);
            }
        }
    }

    [Fact]
    public void A_zero_embedding_stays_zero_when_normalized()
    {
        using var embedder = new FaceEmbedder(model.Version, new EmbedderOptions());

        var (raw, normalized) = Embed(embedder, new float[2 * InputSize], 2);

        Assert.All(raw, v => Assert.Equal(0f, v));
        Assert.All(normalized, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Batches_across_the_maximum_batch_size_give_the_same_results_as_one_at_a_time()
    {
        const int count = 70;
        var input = TinyEmbeddingModel.RandomInput(count, seed: 13);
        using var batched = new FaceEmbedder(model.Version, new EmbedderOptions { MaxBatchSize = 32 });
        using var single = new FaceEmbedder(model.Version, new EmbedderOptions { MaxBatchSize = 1 });

        var (raw, normalized) = Embed(batched, input, count);

        for (var n = 0; n < count; n++)
        {
            var (oneRaw, oneNormalized) = Embed(single, input.AsSpan(n * InputSize, InputSize).ToArray(), 1);
            Assert.Equal(oneRaw, raw.AsSpan(n * EmbeddingSize, EmbeddingSize).ToArray());
            Assert.Equal(oneNormalized, normalized.AsSpan(n * EmbeddingSize, EmbeddingSize).ToArray());
        }
    }

    [Fact]
    public async Task Concurrent_callers_each_get_their_own_results()
    {
        const int threads = 8;
        const int callsPerThread = 25;
        const int maxCount = 40;
        using var embedder = new FaceEmbedder(model.Version, new EmbedderOptions { MaxBatchSize = 16 });
        using var start = new Barrier(threads);

        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        var workers = Enumerable.Range(0, threads).Select(t => Task.Factory.StartNew(
            () =>
            {
                start.SignalAndWait();
                for (var call = 0; call < callsPerThread; call++)
                {
                    // Different sizes per call, so callers mix full batches, partial batches and several batches.
                    var count = 1 + ((t * callsPerThread + call) % maxCount);
                    var input = TinyEmbeddingModel.RandomInput(count, seed: (t * 1000) + call);
                    var (raw, _) = Embed(embedder, input, count);
                    var expected = model.Forward(input, count);
                    if (raw.Zip(expected).Any(p => Math.Abs(p.First - p.Second) > Tolerance))
                    {
                        failures.Add($"thread {t} call {call} ({count} images)");
                    }
                }
            },
            TaskCreationOptions.LongRunning)).ToArray();

        await Task.WhenAll(workers);
        Assert.Empty(failures);
    }

    [Fact]
    public void Empty_input_is_a_no_op()
    {
        using var embedder = new FaceEmbedder(model.Version, new EmbedderOptions());

        embedder.EmbedTensors([], 0, [], []);
        Assert.Empty(embedder.Embed([]));
    }

    [Fact]
    public void Input_of_the_wrong_length_is_refused_with_the_expected_size()
    {
        using var embedder = new FaceEmbedder(model.Version, new EmbedderOptions());
        var output = new float[2 * EmbeddingSize];

        var error = Assert.Throws<ArgumentException>(() => embedder.EmbedTensors(new float[InputSize + 1], 2, output, output));
        Assert.Contains($"2 × {InputSize}", error.Message);

        var tooShort = Assert.Throws<ArgumentException>(() => embedder.EmbedTensors(new float[2 * InputSize], 2, new float[EmbeddingSize], output));
        Assert.Contains("raw has 4", tooShort.Message);
    }

    [Fact]
    public void Calls_after_dispose_are_refused()
    {
        var embedder = new FaceEmbedder(model.Version, new EmbedderOptions());
        embedder.Dispose();

        Assert.Throws<ObjectDisposedException>(() => embedder.EmbedTensors(new float[InputSize], 1, new float[EmbeddingSize], new float[EmbeddingSize]));
    }

    [Fact]
    public void Cuda_on_a_cpu_only_build_names_the_available_providers_and_the_gpu_build()
    {
        var error = Assert.Throws<ExecutionProviderUnavailableException>(
            () => new FaceEmbedder(model.Version, new EmbedderOptions { ExecutionProvider = ExecutionProvider.Cuda }));

        Assert.Contains("CPUExecutionProvider", error.Message);
        Assert.Contains("-p:OnnxRuntimeGpu=true", error.Message);
        Assert.Contains("CPUExecutionProvider", error.Available);
    }

    [Fact]
    public void A_missing_file_names_the_path()
    {
        var missing = model.Version with { OnnxPath = Path.Combine(Path.GetTempPath(), "facegrains-no-such-model.onnx") };

        var error = Assert.Throws<InvalidModelException>(() => new FaceEmbedder(missing, new EmbedderOptions()));

        Assert.Contains(missing.OnnxPath, error.Message);
        Assert.Contains("does not exist", error.Message);
    }

    [Fact]
    public void Random_bytes_are_refused_as_not_a_model()
    {
        var bytes = new byte[4096];
        new Random(14).NextBytes(bytes);
        var corrupt = model.WithFile("corrupt.onnx", bytes);

        var error = Assert.Throws<InvalidModelException>(() => new FaceEmbedder(corrupt, new EmbedderOptions()));

        Assert.Contains(corrupt.OnnxPath, error.Message);
        Assert.Contains("cannot load it as a model", error.Message);
    }

    [Fact]
    public void An_output_size_other_than_the_manifest_is_refused_with_both_sizes()
    {
        using var wider = new TinyEmbeddingModel(modelEmbeddingSize: EmbeddingSize + 1);

        var error = Assert.Throws<InvalidModelException>(() => new FaceEmbedder(wider.Version, new EmbedderOptions()));

        Assert.Contains(wider.OnnxPath, error.Message);
        Assert.Contains($"float [batch, {EmbeddingSize + 1}]", error.Message);
        Assert.Contains($"manifest says float [batch, {EmbeddingSize}]", error.Message);
    }

    [Fact]
    public void An_input_size_other_than_the_preprocessing_size_is_refused()
    {
        using var larger = new TinyEmbeddingModel(modelSide: TinyEmbeddingModel.Side * 2);

        var error = Assert.Throws<InvalidModelException>(() => new FaceEmbedder(larger.Version, new EmbedderOptions()));

        Assert.Contains("float [batch, 3, 8, 8]", error.Message);
        Assert.Contains("manifest says float [batch, 3, 4, 4]", error.Message);
    }

    [Fact]
    public void Input_and_output_names_missing_from_the_model_are_named()
    {
        using var renamed = new TinyEmbeddingModel(inputName: "data", outputName: "features");

        var error = Assert.Throws<InvalidModelException>(() => new FaceEmbedder(renamed.Version, new EmbedderOptions()));
        Assert.Contains("input 'input' is not in the model, whose inputs are [data]", error.Message);

        var outputOnly = renamed.Version with { Manifest = renamed.Version.Manifest with { InputName = "data" } };
        error = Assert.Throws<InvalidModelException>(() => new FaceEmbedder(outputOnly, new EmbedderOptions()));
        Assert.Contains("output 'embedding' is not in the model, whose outputs are [features]", error.Message);
    }

    [Fact]
    public void Embed_preprocesses_images_like_the_tensor_path()
    {
        // A 4 × 4 image with the manifest's 4 × 4 size, full crop, mean 0 and std 1 preprocesses to its own pixels.
        var random = new Random(15);
        var pixels = new byte[TinyEmbeddingModel.Side * TinyEmbeddingModel.Side * TinyEmbeddingModel.Channels];
        random.NextBytes(pixels);
        var image = new RgbImage(TinyEmbeddingModel.Side, TinyEmbeddingModel.Side, pixels);
        var tensor = new float[InputSize];
        var plane = TinyEmbeddingModel.Side * TinyEmbeddingModel.Side;
        for (var p = 0; p < plane; p++)
        {
            for (var c = 0; c < TinyEmbeddingModel.Channels; c++)
            {
                tensor[(c * plane) + p] = pixels[(p * TinyEmbeddingModel.Channels) + c];
            }
        }

        using var embedder = new FaceEmbedder(model.Version, new EmbedderOptions { MaxBatchSize = 2 });
        var embeddings = embedder.Embed([image, image, image]);
        var (raw, normalized) = Embed(embedder, tensor, 1);

        Assert.Equal(3, embeddings.Length);
        Assert.All(embeddings, e =>
        {
            Assert.Equal(raw, e.Raw, (a, b) => Math.Abs(a - b) <= Tolerance);
            Assert.Equal(normalized, e.Normalized, (a, b) => Math.Abs(a - b) <= Tolerance);
        });
    }

    private static (float[] Raw, float[] Normalized) Embed(FaceEmbedder embedder, float[] input, int count)
    {
        var raw = new float[count * EmbeddingSize];
        var normalized = new float[count * EmbeddingSize];
        embedder.EmbedTensors(input, count, raw, normalized);
        return (raw, normalized);
    }

    private static float Norm(ReadOnlySpan<float> row)
    {
        var sum = 0.0;
        foreach (var v in row)
        {
            sum += v * v;
        }

        return (float)Math.Sqrt(sum);
    }
}
