using System.CommandLine;
using System.Runtime.CompilerServices;
using FaceGrains.Recognition;
using FaceGrains.Recognition.Detection;
using FaceGrains.Recognition.Embedding;
using FaceGrains.Recognition.Images;
using FaceGrains.Recognition.Models;
using FaceGrains.Recognition.Preprocessing;

namespace FaceGrains.ClientCli.Commands;

/// <summary>
/// <c>--crop align</c> and <c>--crop auto</c> on the commands that embed: photos go through detection and alignment
/// instead of a fixed crop. "align" rejects a photo without a face; "auto" falls back to the fixed crop the command
/// would otherwise use (the manifest's default, or eval lfw's "lfw" preset) and counts how often it did.
/// </summary>
internal static class FaceCropChoice
{
    public const string Align = "align";
    public const string Auto = "auto";

    public static readonly Option<float> MinConfidence = new("--min-confidence")
    {
        Description = "Detector: face probability a box must exceed.",
        DefaultValueFactory = _ => new FaceDetectorOptions().MinConfidence,
    };

    public static readonly Option<double> MinFaceSize = new("--min-face-size")
    {
        Description = "Detector: shorter box side in pixels below which faces are ignored.",
        DefaultValueFactory = _ => new FaceDetectorOptions().MinFaceSize,
    };

    /// <summary>"align" or "auto" when --crop asks for alignment, else null (a fixed crop).</summary>
    public static string? Requested(ParseResult parse) =>
        parse.GetValue(CliOptions.Crop) is { } crop && (crop.Equals(Align, StringComparison.OrdinalIgnoreCase) || crop.Equals(Auto, StringComparison.OrdinalIgnoreCase))
            ? crop.ToLowerInvariant()
            : null;

    public static FaceDetectorOptions DetectorOptions(ParseResult parse, int intraOpThreads = 0)
    {
        var options = parse.CommandResult.Command.Options;
        var defaults = new FaceDetectorOptions();
        return new FaceDetectorOptions
        {
            MinConfidence = options.Contains(MinConfidence) ? parse.GetValue(MinConfidence) : defaults.MinConfidence,
            MinFaceSize = options.Contains(MinFaceSize) ? parse.GetValue(MinFaceSize) : defaults.MinFaceSize,
            IntraOpNumThreads = intraOpThreads,
        };
    }

    /// <summary>The detection stage for <paramref name="embedder"/>'s template; the caller disposes both runners.</summary>
    public static (FacePipeline Pipeline, FaceDetector Detector, FaceLandmarker Landmarker) Open(ParseResult parse, FaceEmbedder? embedder, FaceTemplate template, CommandOutput output, int intraOpThreads = 0)
    {
        var (detector, landmarker) = FacePipeline.LoadDetection(CliModels.Home(parse), DetectorOptions(parse, intraOpThreads), output.Log);
        return (new FacePipeline(detector, landmarker, template, embedder), detector, landmarker);
    }

    /// <summary>
    /// The image → face step for the evaluation protocols: the aligned chip of the chosen face, or for "auto" the
    /// fixed crop when no face is found (counted in <paramref name="fallbacks"/>), else null.
    /// </summary>
    public static Func<RgbImage, RgbImage?> Preparer(FacePipeline pipeline, string mode, CropPolicy fallbackCrop, FaceSelection selection, StrongBox<int> fallbacks) => image =>
    {
        var chip = pipeline.AlignOne(image, selection);
        if (chip is not null || mode != Auto)
        {
            return chip;
        }

        Interlocked.Increment(ref fallbacks.Value);
        return Preprocessor.CropAndResize(image, fallbackCrop, pipeline.Template.Width, pipeline.Template.Height);
    };

    public static FaceTemplate TemplateOf(ModelVersion model) =>
        model.Manifest.Preprocessing.AlignTemplate
        ?? throw new InvalidOperationException($"Model {model.ShortId} ({model.Manifest.Name}) declares no align_template; use a fixed --crop.");
}
