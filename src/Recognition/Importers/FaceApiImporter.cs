using System.Security.Cryptography;
using FaceGrains.Recognition.Calibration;
using FaceGrains.Recognition.Models;
using FaceGrains.Recognition.Preprocessing;

namespace FaceGrains.Recognition.Importers;

/// <summary>
/// Imports face-api.js's face recognition model (the dlib ResNet, 128-d; weights CC0, package MIT)
/// from the npm package into the model store as an ONNX model version.
/// </summary>
public static class FaceApiImporter
{
    public const string PackageSpec = "@vladmandic/face-api@1.7.15";

    /// <summary>npm's published integrity for exactly <see cref="PackageSpec"/>.</summary>
    public const string PackageIntegrity = "sha512-WDMmK3CfNLo8jylWqMoQgf4nIst3M0fzx1dnac96wv/dvMTN4DxC/Pq1DGtduDk1lktCamQ3MIDXFnvrdHTXDw==";

    public const string ModelName = "dlib-resnet-faceapi";

    private const string WeightsManifest = "model/face_recognition_model-weights_manifest.json";

    /// <summary>face-api.js subtracts these per-channel means (RGB, 0..255) and divides by 255.</summary>
    private static readonly float[] MeanRgb = [122.782f, 117.001f, 104.298f];

    /// <summary>
    /// Returns the store's imported version if there is one, otherwise imports it. Versions are immutable:
    /// an import never rewrites the manifest of one already in the store.
    /// </summary>
    public static ModelVersion EnsureImported(ModelStore store, string cacheDirectory, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.TryFindByName(ModelName, out var existing) && existing is not null
            ? existing
            : Import(store, cacheDirectory, log);
    }

    /// <summary>
    /// The served recipe: photos are aligned onto dlib's chip template (150×150, padding 0.25, as dlib's face recognition
    /// example cuts chips) with the landmark input drawn as TensorFlow resizes it (LFW View 2: 98.88 %); images declared
    /// to be face chips skip the detector and are aligned the same way; one embedding per face.
    /// </summary>
    public static PreprocessingSpec Recipe { get; } = new()
    {
        Width = FaceRecognitionNetGraph.InputSize,
        Height = FaceRecognitionNetGraph.InputSize,
        ChannelOrder = "rgb",
        Mean = MeanRgb,
        Std = [255f, 255f, 255f],
        Resize = PreprocessingSpec.TensorFlowBilinearResize,
        FaceCrop = PreprocessingSpec.AlignFaceCrop,
        AlignTemplate = FaceTemplate.DlibChip150,
        LandmarkInput = PreprocessingSpec.TensorFlowLandmarkInput,
    };

    public static ModelVersion Import(ModelStore store, string cacheDirectory, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        var weights = ReadWeights(cacheDirectory, log, out var weightsSha256);
        log?.Invoke($"read {weights.Count} tensors; building the ONNX graph");
        var onnx = FaceRecognitionNetGraph.Build(weights);
        var version = store.Publish(onnx, CreateManifest(weightsSha256));
        ShippedCalibrations.Install(store, version, log);
        return version;
    }

    /// <summary>The network's weights from the pinned package (fetched into <paramref name="cacheDirectory"/>, integrity checked), and the SHA-256 of their shards.</summary>
    public static IReadOnlyDictionary<string, TfjsTensor> ReadWeights(string cacheDirectory, Action<string>? log, out string weightsSha256)
    {
        var package = NpmPackage.Fetch(PackageSpec, PackageIntegrity, Path.Combine(cacheDirectory, "npm"), log);
        var manifestJson = System.Text.Encoding.UTF8.GetString(package.ReadFile(WeightsManifest));
        var shards = new List<byte[]>();
        var weights = TfjsWeights.Read(manifestJson, path =>
        {
            var bytes = package.ReadFile($"model/{path}");
            shards.Add(bytes);
            return bytes;
        });
        weightsSha256 = WeightsSha256(shards);
        return weights;
    }

    /// <summary>The manifest of the imported version (<paramref name="name"/>: of a build of the same weights, e.g. the int8 one).</summary>
    internal static ModelManifest CreateManifest(string weightsSha256, string name = ModelName, string? notes = null) => new()
    {
        Name = name,
        InputName = FaceRecognitionNetGraph.InputName,
        OutputName = FaceRecognitionNetGraph.OutputName,
        EmbeddingSize = FaceRecognitionNetGraph.EmbeddingSize,
        Preprocessing = Recipe,
        Distance = "cosine",
        Provenance = new ModelProvenance
        {
            Source = $"npm:{PackageSpec} model/face_recognition_model (face-api.js FaceRecognitionNet = dlib ResNet)",
            Licence = "package MIT; dlib face recognition weights CC0 1.0",
            SourceIntegrity = PackageIntegrity,
            WeightsSha256 = weightsSha256,
            Notes = "Raw output is face-api.js's unnormalised 128-d descriptor (Euclidean threshold about 0.6); the gallery uses its L2-normalised form with cosine similarity. Conv bias and scale layers are folded into the conv weights." + (notes is null ? "" : $" {notes}"),
        },
    };

    private static string WeightsSha256(List<byte[]> shards)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var shard in shards)
        {
            sha.AppendData(shard);
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
