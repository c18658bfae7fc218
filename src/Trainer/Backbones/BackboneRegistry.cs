using FaceGrains.Trainer.Configuration;

namespace FaceGrains.Trainer.Backbones;

/// <summary>Backbones by name. Experiments pick one in their config; nothing else chooses a network.</summary>
public static class BackboneRegistry
{
    private static readonly float[] HalfMean = [127.5f, 127.5f, 127.5f];
    private static readonly float[] HalfStd = [127.5f, 127.5f, 127.5f];

    public static IReadOnlyList<BackboneSpec> All { get; } =
    [
        new("seed-resnet", 64, HalfMean, HalfStd, "bilinear", "full", true, "3×3 stem (64), residual blocks 64-64-128-128-256-256-512-512 (stride 2 at each channel change), mean over H×W → 512-d"),
        new("iresnet18", 112, HalfMean, HalfStd, "bilinear", "full", true, "insightface IR blocks [2,2,2,2], BN-dropout-FC-BN head, 512-d"),
        new("iresnet34", 112, HalfMean, HalfStd, "bilinear", "full", true, "insightface IR blocks [3,4,6,3], BN-dropout-FC-BN head, 512-d"),
        new("densenet121", 64, HalfMean, HalfStd, "bilinear", "full", true, "dense blocks 6-12-24-16, growth 32, compression 0.5, 128-d"),
        new("convnext-small", 64, HalfMean, HalfStd, "bilinear", "full", true, "ConvNeXt-style: 7×7 depthwise, inverted bottleneck ×4, LayerNorm; stages 2-2-4-2, 256-d"),
        new("dlib-resnet", 150, [122.782f, 117.001f, 104.298f], [255f, 255f, 255f], "tf-bilinear", "fit", true, "dlib ResNet (face-api.js FaceRecognitionNet), 128-d; init 'faceapi' loads the imported weights"),
    ];

    public static IReadOnlyList<string> Names { get; } = All.Select(b => b.Name).ToList();

    public static BackboneSpec Spec(string name) =>
        All.FirstOrDefault(b => b.Name == name) ?? throw new ConfigException($"backbone '{name}' is not one of: {string.Join(", ", Names)}");

    public static Backbone Create(TrainingConfig config, int inputSize, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.Backbone switch
        {
            "seed-resnet" => new SeedResNet(config.Width, config.EmbeddingSize, config.Norm, config.DropBlock),
            "iresnet18" => new IResNet([2, 2, 2, 2], inputSize, config.Width, config.EmbeddingSize, config.Norm, config.Dropout, config.DropBlock),
            "iresnet34" => new IResNet([3, 4, 6, 3], inputSize, config.Width, config.EmbeddingSize, config.Norm, config.Dropout, config.DropBlock),
            "densenet121" => new DenseNet([6, 12, 24, 16], DenseNet.Growth(config.Width), inputSize, config.EmbeddingSize, config.Norm, config.DropBlock),
            "convnext-small" => new ConvNeXtSmall(config.Width, config.EmbeddingSize, config.DropBlock),
            "dlib-resnet" => DlibResNet.Create(config.Init, log),
            _ => throw new ConfigException($"backbone '{config.Backbone}' is not one of: {string.Join(", ", Names)}"),
        };
    }
}
