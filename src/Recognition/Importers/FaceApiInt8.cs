using System.Numerics.Tensors;
using FaceGrains.Recognition.Calibration;
using FaceGrains.Recognition.Detection;
using FaceGrains.Recognition.Images;
using FaceGrains.Recognition.Models;
using FaceGrains.Recognition.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace FaceGrains.Recognition.Importers;

/// <summary>
/// The default model's int8 build (<c>facegrains models import faceapi-int8</c>): the same weights and serving recipe as
/// <see cref="FaceApiImporter"/>, written by <see cref="FaceRecognitionNetGraph.Build"/> in ONNX QDQ form with the
/// activation ranges of <see cref="Ranges"/>, which <see cref="MeasureRanges"/> measured on real faces prepared by the
/// served recipe (<c>facegrains models quantize-faceapi</c> measures them again and publishes a build of its own).
/// A version of its own: its own id, calibration and gallery, swapped in like any other.
/// </summary>
public static class FaceApiInt8
{
    public const string ModelName = "dlib-resnet-faceapi-int8";

    /// <summary>The name of builds with ranges measured on a user's photos (<c>models quantize-faceapi</c>), so they are never taken for the import.</summary>
    public const string MeasuredModelName = "dlib-resnet-faceapi-int8-measured";

    /// <summary>Share of each activation's values its range keeps by default (the rest saturate): see docs/BENCHMARKS.md "An int8 embedder".</summary>
    public const double DefaultPercentile = 99.999;

    /// <summary>Histogram resolution of <see cref="MeasureRanges"/>' percentile.</summary>
    private const int Bins = 1 << 14;

    /// <summary>
    /// The ranges the import builds with, printed by
    /// <c>facegrains models quantize-faceapi --data ../shared/data/cfp-train --images 512 --json</c> (<c>ranges</c>):
    /// 512 CFP-train photos taken evenly over the set (every identity, frontal and profile), the largest face prepared
    /// by the served recipe (503 faces; 9 photos without one). The 99.999th percentile is the one of 100, 99.999, 99.99
    /// and 99.9 whose build embeds 506 other CFP-train faces closest to float32 (docs/BENCHMARKS.md "An int8 embedder").
    /// </summary>
    public static IReadOnlyList<ActivationRange> Ranges { get; } =
    [
        new(-0.48149803f, 0.5909883f), new(0f, 10.587924f), new(0f, 10.059473f), new(-10.85887f, 6.9574823f),
        new(0f, 12.649511f), new(0f, 8.498625f), new(-12.504419f, 9.893204f), new(0f, 14.12664f),
        new(0f, 7.2542615f), new(-9.851486f, 11.234684f), new(0f, 19.089252f), new(0f, 8.502181f),
        new(-5.9693084f, 8.251511f), new(0f, 11.264053f), new(0f, 5.60255f), new(-4.900608f, 7.0612698f),
        new(0f, 13.74183f), new(0f, 4.8090954f), new(-5.524877f, 6.7874517f), new(0f, 17.681042f),
        new(0f, 5.1047235f), new(-5.3803034f, 6.3651066f), new(0f, 17.526829f), new(0f, 5.23808f),
        new(-3.8346152f, 5.2185707f), new(0f, 8.469969f), new(0f, 3.8928668f), new(-4.532308f, 4.713303f),
        new(0f, 7.4943824f), new(0f, 5.174851f), new(-5.6910343f, 5.6820326f), new(0f, 7.713876f),
        new(0f, 6.1224813f), new(-6.0388784f, 15.222573f), new(0f, 11.263846f), new(0f, 4.1012316f),
        new(-6.0938005f, 3.679263f), new(0f, 9.3951645f), new(0f, 3.1379442f), new(-2.9740665f, 2.5913913f),
        new(0f, 8.4734535f), new(0f, 6.4917984f), new(-3.6048734f, 2.421944f), new(0f, 5.100859f),
    ];

    /// <summary>Where <see cref="Ranges"/> came from, kept in the version's provenance notes.</summary>
    public const string RangesSource = "503 faces of 512 CFP-train photos, largest face by the served recipe, 99.999th percentile";

    public static ModelVersion Import(ModelStore store, string cacheDirectory, Action<string>? log = null) =>
        Publish(store, cacheDirectory, Ranges, RangesSource, log, ModelName);

    /// <summary>Builds the int8 graph with <paramref name="ranges"/> and publishes it (with its shipped calibration when the project ships one for exactly this build).</summary>
    public static ModelVersion Publish(ModelStore store, string cacheDirectory, IReadOnlyList<ActivationRange> ranges, string rangesSource, Action<string>? log = null, string name = ModelName)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(ranges);
        var weights = FaceApiImporter.ReadWeights(cacheDirectory, log, out var weightsSha256);
        log?.Invoke($"read {weights.Count} tensors; building the int8 ONNX graph");
        var onnx = FaceRecognitionNetGraph.Build(weights, ranges);
        var version = store.Publish(onnx, FaceApiImporter.CreateManifest(weightsSha256, name,
            $"int8 (ONNX QDQ): weights per output channel, activations uint8 over ranges measured on {rangesSource}."));
        ShippedCalibrations.Install(store, version, log);
        return version;
    }

    /// <summary>
    /// Each quantisation point's range over <paramref name="inputs"/> (model inputs as <see cref="FacePreparer.WriteInput"/>
    /// writes them, one face each): the <paramref name="percentile"/>th percentile of its values (and, where it can be
    /// negative, the (100 − p)th), from a histogram between the values' minimum and maximum; 100 keeps them whole.
    /// </summary>
    public static IReadOnlyList<ActivationRange> MeasureRanges(IReadOnlyDictionary<string, TfjsTensor> weights, IReadOnlyList<float[]> inputs, double percentile = DefaultPercentile)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count == 0)
        {
            throw new ArgumentException("No faces to measure activation ranges on.", nameof(inputs));
        }

        if (!(percentile > 50 && percentile <= 100))
        {
            throw new ArgumentOutOfRangeException(nameof(percentile), percentile, "The percentile must be in (50, 100].");
        }

        var onnx = FaceRecognitionNetGraph.BuildObserved(weights, out var signed);
        using var options = new SessionOptions { IntraOpNumThreads = 0 };
        using var session = new InferenceSession(onnx, options);
        var names = Enumerable.Range(0, signed.Count).Select(k => $"{FaceRecognitionNetGraph.ObservedPrefix}{k}").ToArray();
        var low = Enumerable.Repeat(float.PositiveInfinity, names.Length).ToArray();
        var high = Enumerable.Repeat(float.NegativeInfinity, names.Length).ToArray();
        Run(session, names, inputs, (k, values) =>
        {
            low[k] = MathF.Min(low[k], TensorPrimitives.Min(values));
            high[k] = MathF.Max(high[k], TensorPrimitives.Max(values));
        });

        if (percentile >= 100)
        {
            return names.Select((_, k) => new ActivationRange(signed[k] ? low[k] : 0f, high[k])).ToArray();
        }

        var histograms = names.Select(_ => new long[Bins]).ToArray();
        Run(session, names, inputs, (k, values) =>
        {
            var width = (high[k] - low[k]) / Bins;
            foreach (var v in values)
            {
                histograms[k][width > 0 ? Math.Clamp((int)((v - low[k]) / width), 0, Bins - 1) : 0]++;
            }
        });

        var tail = (100 - percentile) / 100;
        return names.Select((_, k) =>
        {
            var width = (high[k] - low[k]) / Bins;
            var total = histograms[k].Sum();
            float Edge(double share, bool fromTop)
            {
                var cut = (long)(share * total);
                long seen = 0;
                for (var b = 0; b < Bins; b++)
                {
                    var i = fromTop ? Bins - 1 - b : b;
                    seen += histograms[k][i];
                    if (seen > cut)
                    {
                        return low[k] + ((fromTop ? i + 1 : i) * width);
                    }
                }

                return fromTop ? low[k] : high[k];
            }

            return new ActivationRange(signed[k] ? Edge(tail, fromTop: false) : 0f, Edge(tail, fromTop: true));
        }).ToArray();
    }

    /// <summary>
    /// Model inputs for <see cref="MeasureRanges"/>: the largest face of up to <paramref name="count"/> photos of a
    /// folder-per-person set, taken evenly over its sorted images, prepared by <paramref name="preparer"/>. Photos
    /// without a face or that do not decode are passed over (counted in <paramref name="skipped"/>).
    /// </summary>
    /// <param name="offset">Where in each step the photo is taken (0 ≤ offset &lt; 1): another offset gives other photos of the same set.</param>
    public static IReadOnlyList<float[]> PrepareInputs(FacePreparer preparer, string dataFolder, int count, out int skipped, double offset = 0)
    {
        ArgumentNullException.ThrowIfNull(preparer);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var paths = Datasets.FolderDataset.Open(dataFolder).Identities.SelectMany(i => i.ImagePaths).ToList();
        var step = Math.Max(1.0, paths.Count / (double)count);
        var chosen = Enumerable.Range(0, Math.Min(count, paths.Count)).Select(i => paths[Math.Min(paths.Count - 1, (int)((i + offset) * step))]).Distinct().ToList();
        var size = preparer.Recipe.Width * preparer.Recipe.Height * 3;
        var inputs = new float[chosen.Count][];
        Parallel.For(0, chosen.Count, i =>
        {
            try
            {
                var photo = preparer.Prepare(ImageDecoder.DecodeFile(chosen[i]), FaceSelection.Largest);
                if (photo.HasFaces)
                {
                    var input = new float[size];
                    preparer.WriteInput(photo.Faces[0], input);
                    inputs[i] = input;
                }
            }
            catch (Exception e) when (e is ImageRejectedException or IOException)
            {
                // passed over: counted below
            }
        });

        var prepared = inputs.Where(x => x is not null).ToList();
        skipped = chosen.Count - prepared.Count;
        return prepared;
    }

    /// <summary>
    /// How close two versions' embeddings are on the same model inputs: the cosine between each face's embedding by
    /// <paramref name="a"/> and by <paramref name="b"/> (mean and minimum over <paramref name="inputs"/>).
    /// </summary>
    public static (double Mean, double Min) Agreement(Embedding.FaceEmbedder a, Embedding.FaceEmbedder b, IReadOnlyList<float[]> inputs)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(inputs);
        if (a.EmbeddingSize != b.EmbeddingSize || a.InputSize != b.InputSize)
        {
            throw new ArgumentException("The two versions differ in input or embedding size.");
        }

        var raw = new float[a.EmbeddingSize];
        var left = new float[a.EmbeddingSize];
        var right = new float[a.EmbeddingSize];
        double sum = 0, min = 1;
        foreach (var input in inputs)
        {
            a.EmbedTensors(input, 1, raw, left);
            b.EmbedTensors(input, 1, raw, right);
            var cosine = TensorPrimitives.Dot<float>(left, right);
            sum += cosine;
            min = Math.Min(min, cosine);
        }

        return (sum / Math.Max(1, inputs.Count), min);
    }

    private static void Run(InferenceSession session, string[] names, IReadOnlyList<float[]> inputs, Action<int, ReadOnlySpan<float>> observe)
    {
        var inputName = session.InputMetadata.Keys.Single();
        using var runOptions = new RunOptions();
        foreach (var input in inputs)
        {
            using var value = OrtValue.CreateTensorValueFromMemory(input, [1, 3, FaceRecognitionNetGraph.InputSize, FaceRecognitionNetGraph.InputSize]);
            using var outputs = session.Run(runOptions, [inputName], [value], names);
            for (var k = 0; k < names.Length; k++)
            {
                observe(k, outputs[k].GetTensorDataAsSpan<float>());
            }
        }
    }
}
