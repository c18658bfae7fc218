using System.Runtime.InteropServices;
using System.Security.Cryptography;
using FaceGrains.Recognition.Detection;
using FaceGrains.Recognition.Models;

namespace FaceGrains.Recognition.Importers;

/// <summary>
/// Imports face-api.js's SSD MobileNet v1 face detector and its 68-point landmark net from the same pinned npm
/// package as the embedder (<see cref="FaceApiImporter.PackageSpec"/>) into the <see cref="DetectionModelStore"/>.
/// </summary>
public static class FaceApiDetectionImporter
{
    public const string DetectorName = "ssd-mobilenetv1-faceapi";

    /// <summary>The same detector with its MobileNet body in int8 (<see cref="SsdMobilenetV1Graph.Build"/>).</summary>
    public const string Int8DetectorName = "ssd-mobilenetv1-faceapi-int8";
    public const string LandmarksName = "landmark68-faceapi";

    /// <summary>The detector's 5118 anchors ([ymin, xmin, ymax, xmax], fractions of the 512 square) as little-endian float32.</summary>
    public const string AnchorsFileName = "anchors.f32";

    private const string DetectorWeights = "model/ssd_mobilenetv1_model-weights_manifest.json";
    private const string LandmarkWeights = "model/face_landmark_68_model-weights_manifest.json";

    /// <summary>The stored detector of <paramref name="precision"/> and the landmark net, imported now if the store lacks either.</summary>
    public static (DetectionModel Detector, DetectionModel Landmarks) EnsureImported(DetectionModelStore store, string cacheDirectory, Action<string>? log = null, DetectorPrecision precision = DetectorPrecision.Float32)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (!Enum.IsDefined(precision))
        {
            throw new ArgumentOutOfRangeException(nameof(precision), precision, "Unknown detector precision.");
        }

        var int8 = precision == DetectorPrecision.Int8;
        var detectorName = int8 ? Int8DetectorName : DetectorName;
        var detector = store.FindByName(detectorName);
        var landmarks = store.FindByName(LandmarksName);
        if (detector is not null && landmarks is not null)
        {
            return (detector, landmarks);
        }

        var package = NpmPackage.Fetch(FaceApiImporter.PackageSpec, FaceApiImporter.PackageIntegrity, Path.Combine(cacheDirectory, "npm"), log);
        if (detector is null)
        {
            var (weights, sha) = Read(package, DetectorWeights);
            log?.Invoke($"read {weights.Count} SSD MobileNet v1 tensors; building the ONNX graph");
            var onnx = SsdMobilenetV1Graph.Build(weights, out var anchors, int8);
            detector = store.Publish(
                onnx,
                Info(detectorName, "face-detector", SsdMobilenetV1Graph.InputSize, "model/ssd_mobilenetv1_model", sha,
                    "Outputs are the six box predictors' raw encodings and class logits; anchor decoding, sigmoid and NMS run in C#."
                    + (int8 ? " Int8 (QDQ: uint8 activations over ReLU6's 0..6, int8 weights per channel) from the first pointwise convolution on; the first convolution, the first depthwise one and the predictors float32." : "")),
                new Dictionary<string, byte[]> { [AnchorsFileName] = MemoryMarshal.AsBytes(anchors.AsSpan()).ToArray() });
        }

        if (landmarks is null)
        {
            var (weights, sha) = Read(package, LandmarkWeights);
            log?.Invoke($"read {weights.Count} FaceLandmark68Net tensors; building the ONNX graph");
            landmarks = store.Publish(
                FaceLandmark68NetGraph.Build(weights),
                Info(LandmarksName, "face-landmarks-68", FaceLandmark68NetGraph.InputSize, "model/face_landmark_68_model", sha,
                    "Output: 68 (x, y) pairs as fractions of the 112×112 input square."));
        }

        return (detector, landmarks);
    }

    private static (IReadOnlyDictionary<string, TfjsTensor> Weights, string Sha256) Read(NpmPackage package, string manifestPath)
    {
        var manifestJson = System.Text.Encoding.UTF8.GetString(package.ReadFile(manifestPath));
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var weights = TfjsWeights.Read(manifestJson, path =>
        {
            var bytes = package.ReadFile($"model/{path}");
            sha.AppendData(bytes);
            return bytes;
        });
        return (weights, Convert.ToHexStringLower(sha.GetHashAndReset()));
    }

    private static DetectionModelInfo Info(string name, string kind, int inputSize, string source, string weightsSha, string notes) => new()
    {
        Name = name,
        Kind = kind,
        InputSize = inputSize,
        Provenance = new ModelProvenance
        {
            Source = $"npm:{FaceApiImporter.PackageSpec} {source}",
            Licence = "package MIT (face-api.js)",
            SourceIntegrity = FaceApiImporter.PackageIntegrity,
            WeightsSha256 = weightsSha,
            Notes = notes,
        },
    };
}
