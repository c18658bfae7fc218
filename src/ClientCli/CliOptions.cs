using System.CommandLine;
using FaceGrains.Recognition.Detection;
using FaceGrains.Recognition.Embedding;
using FaceGrains.Recognition.Similarity;

namespace FaceGrains.ClientCli;

/// <summary>Options shared by several commands, so each is spelled and documented once.</summary>
public static class CliOptions
{
    public static readonly Option<bool> Json = new("--json")
    {
        Description = "Print machine-readable JSON on stdout instead of tables.",
        Recursive = true,
    };

    public static readonly Option<string?> Home = new("--home")
    {
        Description = "Data directory (model store, caches). Default: $FACEGRAINS_HOME, else ~/.facegrains.",
        Recursive = true,
    };

    public static readonly Option<string?> Model = new("--model")
    {
        Description = "Model version id (or unique prefix). Default: the imported face-api model, imported on first use.",
    };

    public static readonly Option<bool> Aligned = new("--aligned")
    {
        Description = "The images are aligned face chips already (a face filling the frame): no detection, the model version's fixed crop. Without it a photo in which no face is found is refused.",
    };

    public static readonly Option<string?> FaceCache = new("--face-cache")
    {
        Description = "Folder that keeps each photo's prepared faces (keyed by its pixels, the recipe's preparation fields, the detector settings and the detection networks' ids), so evaluating another model with the same recipe on the same set detects nothing. Default: none (every photo detected).",
    };

    public static readonly Option<string> Detector = OneOf(
        "--detector",
        "Face detector build, as the silo's Gallery:DetectorPrecision: float32 (the published weights) or int8 (its MobileNet body in int8, about twice as fast on CPUs with int8 dot products).",
        DetectorPrecisions.Names);

    public static readonly Option<string> ShardPrecision = OneOf(
        "--shard-precision",
        "How the gallery's rows are kept, as the silo's Gallery:ShardPrecision: float32, bf16 or int8.",
        ShardPrecisions.Names);

    public static readonly Option<int> Threads = new("--threads")
    {
        Description = "ONNX Runtime intra-op threads (0 = its default: one per core).",
        DefaultValueFactory = _ => 0,
    };

    public static readonly Option<ExecutionProvider> Provider = new("--provider")
    {
        Description = "Execution provider: Cpu or Cuda (Cuda needs the GPU build: dotnet build -p:OnnxRuntimeGpu=true).",
        DefaultValueFactory = _ => ExecutionProvider.Cpu,
    };

    public static readonly Option<int> BatchSize = new("--batch-size")
    {
        Description = "Images per ONNX Runtime call.",
        DefaultValueFactory = _ => 32,
    };

    /// <summary>A setting spelled as one of <paramref name="names"/> (the first is the default), refused otherwise.</summary>
    private static Option<string> OneOf(string name, string description, IReadOnlyList<string> names)
    {
        var option = new Option<string>(name) { Description = description, DefaultValueFactory = _ => names[0] };
        option.Validators.Add(r =>
        {
            if (!names.Contains(r.GetValueOrDefault<string>()))
            {
                r.AddError($"{name} must be one of: {string.Join(", ", names)}.");
            }
        });
        return option;
    }

    /// <summary>Embedder settings from whichever of --threads, --provider and --batch-size the command has; defaults for the rest.</summary>
    public static EmbedderOptions EmbedderOptions(ParseResult parse)
    {
        var defaults = new EmbedderOptions();
        var options = parse.CommandResult.Command.Options;
        return new EmbedderOptions
        {
            IntraOpNumThreads = options.Contains(Threads) ? parse.GetValue(Threads) : defaults.IntraOpNumThreads,
            ExecutionProvider = options.Contains(Provider) ? parse.GetValue(Provider) : defaults.ExecutionProvider,
            MaxBatchSize = options.Contains(BatchSize) ? parse.GetValue(BatchSize) : defaults.MaxBatchSize,
        };
    }
}
