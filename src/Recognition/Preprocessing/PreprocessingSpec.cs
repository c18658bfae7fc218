using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace FaceGrains.Recognition.Preprocessing;

/// <summary>
/// A model version's serving recipe: everything that decides what the model sees for a photo, and so what embedding
/// comes out. How faces are cut from photos (<see cref="FaceCrop"/>: detect, align onto <see cref="AlignTemplate"/>;
/// or a fixed crop), how the cut face becomes a tensor (size, channel order, per-channel normalisation
/// <c>(pixel − mean[c]) / std[c]</c> with pixels in 0..255, NCHW float32, resampling) and whether each face is embedded
/// with its mirror image (<see cref="FlipAverage"/>). It is part of the version's identity (<see cref="Fingerprint"/>):
/// no silo or command setting can change it, and another recipe is another model version.
/// </summary>
public sealed record PreprocessingSpec
{
    [JsonPropertyName("width")]
    public int Width { get; init; }

    [JsonPropertyName("height")]
    public int Height { get; init; }

    /// <summary>"rgb" or "bgr": the order of channels in the tensor.</summary>
    [JsonPropertyName("channel_order")]
    public string ChannelOrder { get; init; } = "rgb";

    /// <summary>Per tensor channel (in tensor order), in 0..255 pixel units.</summary>
    [JsonPropertyName("mean")]
    public float[] Mean { get; init; } = [0f, 0f, 0f];

    /// <summary>Per tensor channel (in tensor order), in 0..255 pixel units.</summary>
    [JsonPropertyName("std")]
    public float[] Std { get; init; } = [1f, 1f, 1f];

    /// <summary>
    /// Resampling: "bilinear" (pixel-centre aligned, antialiased when shrinking) or "tf-bilinear"
    /// (TensorFlow's legacy resize_bilinear, as face-api.js feeds its models).
    /// </summary>
    [JsonPropertyName("resize")]
    public string Resize { get; init; } = BilinearResize;

    /// <summary>
    /// How photos become model input: "align" (detect → landmarks → warp the five points onto
    /// <see cref="AlignTemplate"/>; a photo without a face is an explicit outcome) or "center-crop" (every image is
    /// already a face: the fixed <see cref="Crop"/>).
    /// </summary>
    [JsonPropertyName("face_crop")]
    public string FaceCrop { get; init; } = CenterFaceCrop;

    /// <summary>The five-point template of "align"; null for "center-crop".</summary>
    [JsonPropertyName("align_template")]
    public FaceTemplate? AlignTemplate { get; init; }

    /// <summary>
    /// How the landmark net's input is drawn ("align" only): "tensorflow" (pad, then TensorFlow's legacy resize) or
    /// "canvas" (as a browser canvas draws it). It moves the landmarks, so the alignment and the embedding.
    /// </summary>
    [JsonPropertyName("landmark_input")]
    public string LandmarkInput { get; init; } = TensorFlowLandmarkInput;

    /// <summary>The fixed crop "center-crop" cuts from every image; "align" has none (it must stay the default, full).</summary>
    [JsonPropertyName("crop")]
    public CropPolicy Crop { get; init; } = CropPolicy.Full;

    /// <summary>
    /// Embed every face and its mirror image and take the mean of the two outputs (test-time flip): two model runs per
    /// face. Scores shift with it, so it has its own calibration, as every other recipe does.
    /// </summary>
    [JsonPropertyName("flip_average")]
    public bool FlipAverage { get; init; }

    public const string AlignFaceCrop = "align";
    public const string CenterFaceCrop = "center-crop";
    public const string BilinearResize = "bilinear";
    public const string TensorFlowBilinearResize = "tf-bilinear";
    public const string TensorFlowLandmarkInput = "tensorflow";
    public const string CanvasLandmarkInput = "canvas";

    private static readonly JsonSerializerOptions CanonicalJson = new() { WriteIndented = false };

    [JsonIgnore]
    public FaceCropMode FaceCropMode => FaceCrop == AlignFaceCrop ? FaceCropMode.Align : FaceCropMode.CenterCrop;

    [JsonIgnore]
    public ResizeMethod ResizeMethod => Resize == TensorFlowBilinearResize ? ResizeMethod.TensorFlowLegacy : ResizeMethod.Bilinear;

    /// <summary>
    /// sha256 (hex) of the recipe's canonical JSON: two recipes that can give different embeddings have different
    /// fingerprints. Part of the model version id, and recorded with every calibration measured under the recipe.
    /// </summary>
    public string Fingerprint() => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(this, CanonicalJson))));

    /// <summary>One line a person can read: "align (dlib 150×150 chip, tensorflow landmarks), 150×150 rgb, tf-bilinear, flip-averaged".</summary>
    public string Describe()
    {
        var how = FaceCropMode == FaceCropMode.Align
            ? $"align onto a {AlignTemplate?.Width}×{AlignTemplate?.Height} template ({LandmarkInput} landmark input)"
            : $"center-crop {Crop}";
        return $"{how}, {Width}×{Height} {ChannelOrder}, {Resize}{(FlipAverage ? ", flip-averaged" : "")}";
    }

    public void Validate()
    {
        if (Width <= 0 || Height <= 0)
        {
            throw new InvalidDataException($"Preprocessing size {Width}x{Height} must be positive.");
        }

        if (ChannelOrder is not ("rgb" or "bgr"))
        {
            throw new InvalidDataException($"Channel order '{ChannelOrder}' must be 'rgb' or 'bgr'.");
        }

        if (Resize is not (BilinearResize or TensorFlowBilinearResize))
        {
            throw new InvalidDataException($"Resize '{Resize}' must be '{BilinearResize}' or '{TensorFlowBilinearResize}'.");
        }

        // A manifest read from JSON may hold null where a value belongs ("mean": null).
        if (Mean is not { Length: 3 } || Std is not { Length: 3 } || Std.Any(s => s == 0f) || Mean.Concat(Std).Any(v => !float.IsFinite(v)))
        {
            throw new InvalidDataException("Preprocessing mean and std need three finite values each, std non-zero.");
        }

        if (FaceCrop is not (AlignFaceCrop or CenterFaceCrop))
        {
            throw new InvalidDataException($"face_crop '{FaceCrop}' must be '{AlignFaceCrop}' or '{CenterFaceCrop}'.");
        }

        if (FaceCrop == AlignFaceCrop && AlignTemplate is null)
        {
            throw new InvalidDataException($"face_crop '{FaceCrop}' needs an align_template.");
        }

        if (FaceCrop == CenterFaceCrop && AlignTemplate is not null)
        {
            throw new InvalidDataException($"face_crop '{CenterFaceCrop}' takes no align_template (it would not be used).");
        }

        if (LandmarkInput is not (TensorFlowLandmarkInput or CanvasLandmarkInput))
        {
            throw new InvalidDataException($"landmark_input '{LandmarkInput}' must be '{TensorFlowLandmarkInput}' or '{CanvasLandmarkInput}'.");
        }

        AlignTemplate?.Validate();
        if (FaceCrop == AlignFaceCrop && Crop is not null && Crop != CropPolicy.Full)
        {
            throw new InvalidDataException($"face_crop '{AlignFaceCrop}' takes no fixed crop (got {Crop}): faces are aligned onto the template, declared chips too.");
        }

        if (Crop is null)
        {
            throw new InvalidDataException("Preprocessing crop is missing.");
        }

        try
        {
            Crop.Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new InvalidDataException($"Preprocessing crop: {e.Message}", e);
        }
    }
}
