using System.Text.Json;
using System.Text.Json.Serialization;

namespace FaceGrains.Trainer.Configuration;

/// <summary>
/// One experiment, read from a small JSON file (snake_case keys). Unknown keys and values are refused at
/// start (<see cref="Load"/>), so a typo never silently trains the default.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record TrainingConfig
{
    [JsonPropertyName("name")] public string Name { get; init; } = "run";
    /// <summary>Folder-per-identity root; relative paths are resolved against the working directory, then the config's folder.</summary>
    [JsonPropertyName("data")] public string Data { get; init; } = "";
    [JsonPropertyName("split")] public string Split { get; init; } = "identity";
    [JsonPropertyName("val_fraction")] public double ValFraction { get; init; } = 0.2;
    [JsonPropertyName("closed_set_fraction")] public double ClosedSetFraction { get; init; } = 0.1;
    [JsonPropertyName("max_identities")] public int MaxIdentities { get; init; }
    [JsonPropertyName("seed")] public int Seed { get; init; } = 1;

    [JsonPropertyName("backbone")] public string Backbone { get; init; } = "seed-resnet";
    [JsonPropertyName("width")] public double Width { get; init; } = 1.0;
    [JsonPropertyName("embedding_size")] public int EmbeddingSize { get; init; }
    [JsonPropertyName("norm")] public string Norm { get; init; } = "batch";
    [JsonPropertyName("dropblock")] public double DropBlock { get; init; }
    [JsonPropertyName("dropout")] public double Dropout { get; init; }
    /// <summary>"random", "faceapi" (dlib-resnet), or "run:&lt;run folder or run name&gt;": the backbone's weights from that run's
    /// checkpoint (a name picks the newest run folder of that name in the runs directory); heads start fresh.</summary>
    [JsonPropertyName("init")] public string Init { get; init; } = "random";
    /// <summary>An L2-normalisation layer after the backbone: every loss and the validation see unit-length embeddings.</summary>
    [JsonPropertyName("l2_embedding")] public bool L2Embedding { get; init; }
    /// <summary>With <c>l2_embedding</c>: the losses see α·x/‖x‖ (an L2-constrained softmax's α; 1 = unit length). Validation, export and serving are unaffected (cosine and unit-length Euclidean ignore α).</summary>
    [JsonPropertyName("l2_scale")] public double L2Scale { get; init; } = 1;

    [JsonPropertyName("input_size")] public int InputSize { get; init; }
    [JsonPropertyName("mean")] public float[]? Mean { get; init; }
    [JsonPropertyName("std")] public float[]? Std { get; init; }
    [JsonPropertyName("resize")] public string? Resize { get; init; }
    /// <summary>Crop policy text (CropPolicy.Parse); null = the backbone's default ("fit" for dlib-resnet, "full" otherwise).</summary>
    [JsonPropertyName("crop")] public string? Crop { get; init; }
    /// <summary>"center-crop" (faces as they come, cut with <see cref="Crop"/>) or "align" (detected, landmarked and
    /// aligned onto <see cref="AlignTemplate"/> scaled to the input, for training and serving alike).</summary>
    [JsonPropertyName("face_crop")] public string FaceCrop { get; init; } = "center-crop";
    [JsonPropertyName("align_template")] public string AlignTemplate { get; init; } = "arcface";

    [JsonPropertyName("losses")] public List<LossConfig> Losses { get; init; } = [new LossConfig()];
    [JsonPropertyName("sampler")] public string Sampler { get; init; } = "shuffled";
    [JsonPropertyName("p")] public int P { get; init; } = 16;
    [JsonPropertyName("k")] public int K { get; init; } = 4;
    [JsonPropertyName("batch_size")] public int BatchSize { get; init; } = 64;
    [JsonPropertyName("epochs")] public int Epochs { get; init; } = 10;
    [JsonPropertyName("steps_per_epoch")] public int StepsPerEpoch { get; init; }

    [JsonPropertyName("optimizer")] public string Optimizer { get; init; } = "sgd";
    [JsonPropertyName("lr")] public double Lr { get; init; } = 0.1;
    [JsonPropertyName("head_lr_factor")] public double HeadLrFactor { get; init; } = 1.0;
    [JsonPropertyName("momentum")] public double Momentum { get; init; } = 0.9;
    [JsonPropertyName("nesterov")] public bool Nesterov { get; init; }
    [JsonPropertyName("betas")] public double[] Betas { get; init; } = [0.9, 0.999];
    [JsonPropertyName("weight_decay")] public double WeightDecay { get; init; } = 5e-4;
    [JsonPropertyName("schedule")] public string Schedule { get; init; } = "cosine";
    [JsonPropertyName("warmup_epochs")] public double WarmupEpochs { get; init; }
    [JsonPropertyName("step_epochs")] public int StepEpochs { get; init; } = 10;
    [JsonPropertyName("step_gamma")] public double StepGamma { get; init; } = 0.1;
    [JsonPropertyName("grad_clip")] public double GradClip { get; init; }

    [JsonPropertyName("augment")] public AugmentConfig Augment { get; init; } = new();

    [JsonPropertyName("device")] public string Device { get; init; } = "cpu";
    /// <summary>CUDA only: the forward pass under float16 autocast, the loss scaled by a dynamic loss scaler.</summary>
    [JsonPropertyName("mixed_precision")] public bool MixedPrecision { get; init; }
    /// <summary>libtorch intra-op threads; 0 = one per core. 1 by default: on the shared 2-core development CPU more threads were several times slower.</summary>
    [JsonPropertyName("threads")] public int Threads { get; init; } = 1;
    [JsonPropertyName("loader_threads")] public int LoaderThreads { get; init; } = 1;
    [JsonPropertyName("prefetch")] public int Prefetch { get; init; } = 4;
    [JsonPropertyName("val_max_images")] public int ValMaxImages { get; init; } = 1500;

    public static readonly string[] Splits = ["identity", "image"];
    public static readonly string[] Norms = ["batch", "group", "layer", "none"];
    public static readonly string[] Inits = ["random", "faceapi", "run:<run folder or name>"];
    public static readonly string[] FaceCrops = ["center-crop", "align"];
    public static readonly string[] AlignTemplates = ["arcface", "dlib"];
    public const string RunInitPrefix = "run:";
    public static readonly string[] Samplers = ["shuffled", "pk"];
    public static readonly string[] Optimizers = ["sgd", "adamw"];
    public static readonly string[] Schedules = ["constant", "step", "cosine", "onecycle"];
    public static readonly string[] Devices = ["cpu", "cuda"];

    private static readonly JsonSerializerOptions ReadOptions = new()
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public static JsonSerializerOptions WriteOptions { get; } = new() { WriteIndented = true };

    public static TrainingConfig Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new ConfigException($"config file '{path}' does not exist");
        }

        var config = Parse(File.ReadAllText(path), path);
        var data = config.Data;
        if (data.Length > 0 && !Path.IsPathRooted(data) && !Directory.Exists(data))
        {
            var besideConfig = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, data);
            if (Directory.Exists(besideConfig))
            {
                config = config with { Data = besideConfig };
            }
        }

        return config;
    }

    public static TrainingConfig Parse(string json, string source = "config")
    {
        TrainingConfig? config;
        try
        {
            config = JsonSerializer.Deserialize<TrainingConfig>(json, ReadOptions);
        }
        catch (JsonException e)
        {
            throw new ConfigException($"{source}: {e.Message}");
        }

        if (config is null)
        {
            throw new ConfigException($"{source}: empty config");
        }

        config.Validate(source);
        return config;
    }

    public string ToJson() => JsonSerializer.Serialize(this, WriteOptions);

    public void Validate(string source = "config")
    {
        var errors = new List<string>();
        OneOf(errors, "split", Split, Splits);
        OneOf(errors, "norm", Norm, Norms);
        if (!Init.StartsWith(RunInitPrefix, StringComparison.Ordinal) || Init.Length == RunInitPrefix.Length)
        {
            OneOf(errors, "init", Init, Inits);
        }

        OneOf(errors, "face_crop", FaceCrop, FaceCrops);
        OneOf(errors, "align_template", AlignTemplate, AlignTemplates);
        if (FaceCrop == "align" && Crop is not null && Crop != "full")
        {
            errors.Add($"face_crop 'align' takes no crop (got '{Crop}'): faces are aligned onto the template");
        }
        OneOf(errors, "sampler", Sampler, Samplers);
        OneOf(errors, "optimizer", Optimizer, Optimizers);
        OneOf(errors, "schedule", Schedule, Schedules);
        OneOf(errors, "device", Device, Devices);
        OneOf(errors, "backbone", Backbone, Backbones.BackboneRegistry.Names);
        if (Resize is not null)
        {
            OneOf(errors, "resize", Resize, ["bilinear", "tf-bilinear"]);
        }

        Range(errors, "val_fraction", ValFraction, 0, 0.9);
        Range(errors, "closed_set_fraction", ClosedSetFraction, 0, 0.9);
        Range(errors, "width", Width, 0.05, 4);
        Range(errors, "dropblock", DropBlock, 0, 0.5);
        Range(errors, "dropout", Dropout, 0, 0.9);
        Range(errors, "lr", Lr, 1e-8, 10);
        Range(errors, "head_lr_factor", HeadLrFactor, 0, 1000);
        Range(errors, "momentum", Momentum, 0, 0.999);
        Range(errors, "weight_decay", WeightDecay, 0, 1);
        Range(errors, "warmup_epochs", WarmupEpochs, 0, 1000);
        Range(errors, "step_gamma", StepGamma, 0, 1);
        Range(errors, "grad_clip", GradClip, 0, 1e6);
        Range(errors, "batch_size", BatchSize, 2, 4096);
        Range(errors, "epochs", Epochs, 1, 10000);
        Range(errors, "steps_per_epoch", StepsPerEpoch, 0, 1_000_000);
        Range(errors, "embedding_size", EmbeddingSize, 0, 8192);
        Range(errors, "input_size", InputSize, 0, 1024);
        Range(errors, "p", P, 2, 4096);
        Range(errors, "k", K, 1, 1024);
        Range(errors, "threads", Threads, 0, 1024);
        Range(errors, "loader_threads", LoaderThreads, 1, 64);
        Range(errors, "l2_scale", L2Scale, 0.01, 1000);
        Range(errors, "prefetch", Prefetch, 1, 256);
        Range(errors, "step_epochs", StepEpochs, 1, 10000);
        Range(errors, "val_max_images", ValMaxImages, 10, 1_000_000);
        Range(errors, "max_identities", MaxIdentities, 0, 10_000_000);
        if (Betas is not { Length: 2 } || Betas.Any(b => b is < 0 or >= 1))
        {
            errors.Add("betas must be two numbers in [0, 1)");
        }

        if (Mean is not null && Mean.Length != 3 || Std is not null && (Std.Length != 3 || Std.Any(s => s <= 0)))
        {
            errors.Add("mean and std must each be three numbers (RGB, 0..255 units; std positive)");
        }

        if (Split == "image" && ValFraction <= 0)
        {
            errors.Add("split 'image' needs val_fraction > 0");
        }

        if (Losses is null || Losses.Count == 0)
        {
            errors.Add("losses must name at least one loss");
        }
        else
        {
            for (var i = 0; i < Losses.Count; i++)
            {
                Losses[i].Validate(errors, $"losses[{i}]");
            }
        }

        if (Augment is null)
        {
            errors.Add("augment must be an object");
        }
        else
        {
            Augment.Validate(errors);
        }

        foreach (var (key, text) in new[] { ("crop", Crop) })
        {
            try
            {
                if (text is not null)
                {
                    Recognition.Preprocessing.CropPolicy.Parse(text);
                }
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                errors.Add($"{key} '{text}' is not a crop policy ({e.Message})");
            }
        }

        if (Backbone == "dlib-resnet" && InputSize is not 0 and not 150)
        {
            errors.Add("dlib-resnet takes 150×150 input (input_size 150 or 0)");
        }

        if (MixedPrecision && Device != "cuda")
        {
            errors.Add("mixed_precision needs device 'cuda' (float16 autocast with dynamic loss scaling); on CPU it is refused rather than ignored, since TorchSharp 0.107 offers no CPU autocast");
        }

        if (Init == "faceapi" && Backbone != "dlib-resnet")
        {
            errors.Add("init 'faceapi' only applies to backbone dlib-resnet");
        }

        if (errors.Count > 0)
        {
            throw new ConfigException($"{source}: {string.Join("; ", errors)}");
        }
    }

    internal static void OneOf(List<string> errors, string key, string value, IReadOnlyCollection<string> allowed)
    {
        if (!allowed.Contains(value))
        {
            errors.Add($"{key} '{value}' is not one of: {string.Join(", ", allowed)}");
        }
    }

    internal static void Range(List<string> errors, string key, double value, double min, double max)
    {
        if (double.IsNaN(value) || value < min || value > max)
        {
            errors.Add($"{key} {value} is outside [{min}, {max}]");
        }
    }
}
