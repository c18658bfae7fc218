using System.Text.Json.Serialization;

namespace FaceGrains.Recognition.Preprocessing;

/// <summary>
/// How a model wants its input tensor: crop, size, channel order and per-channel normalisation
/// <c>(pixel - mean[c]) / std[c]</c> with pixels in 0..255, laid out NCHW float32.
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

    /// <summary>Default crop; callers may override it per command or request.</summary>
    [JsonPropertyName("crop")]
    public CropPolicy Crop { get; init; } = CropPolicy.Full;

    /// <summary>
    /// Named crops for sources whose framing differs from the default (e.g. "lfw" for LFW's 250×250
    /// deep-funneled frames), measured for this model and chosen by name on the command line or in a request.
    /// </summary>
    [JsonPropertyName("crop_presets")]
    public Dictionary<string, CropPolicy> CropPresets { get; init; } = [];

    /// <summary>A preset's name, or a literal policy ("side,cx,cy", "full", "fit"); null gives the default crop.</summary>
    public CropPolicy ResolveCrop(string? nameOrPolicy) =>
        string.IsNullOrWhiteSpace(nameOrPolicy) ? Crop
        : CropPresets.TryGetValue(nameOrPolicy, out var preset) ? preset
        : CropPolicy.Parse(nameOrPolicy);

    /// <summary>
    /// How photos become model input: "align" (detect → landmarks → warp onto <see cref="AlignTemplate"/>),
    /// "center-crop" (the fixed <see cref="Crop"/>) or "auto" (align; the crop only as a fallback the caller asks for).
    /// Null (manifests written before alignment existed) reads as "center-crop".
    /// </summary>
    [JsonPropertyName("face_crop")]
    public string? FaceCrop { get; init; }

    /// <summary>The five-point template for "align"/"auto"; null when the model has none.</summary>
    [JsonPropertyName("align_template")]
    public FaceTemplate? AlignTemplate { get; init; }

    public const string AlignFaceCrop = "align";
    public const string CenterFaceCrop = "center-crop";
    public const string AutoFaceCrop = "auto";

    [JsonIgnore]
    public FaceCropMode FaceCropMode => FaceCrop switch
    {
        AlignFaceCrop => FaceCropMode.Align,
        AutoFaceCrop => FaceCropMode.Auto,
        _ => FaceCropMode.CenterCrop,
    };

    /// <summary>
    /// Resampling: "bilinear" (pixel-centre aligned, antialiased when shrinking) or "tf-bilinear"
    /// (TensorFlow's legacy resize_bilinear, as face-api.js feeds its models).
    /// </summary>
    [JsonPropertyName("resize")]
    public string Resize { get; init; } = BilinearResize;

    public const string BilinearResize = "bilinear";
    public const string TensorFlowBilinearResize = "tf-bilinear";

    [JsonIgnore]
    public ResizeMethod ResizeMethod => Resize == TensorFlowBilinearResize ? ResizeMethod.TensorFlowLegacy : ResizeMethod.Bilinear;

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
        if (Mean is not { Length: 3 } || Std is not { Length: 3 } || Std.Any(s => s == 0f))
        {
            throw new InvalidDataException("Preprocessing mean and std need three values each, std non-zero.");
        }

        if (FaceCrop is not (null or AlignFaceCrop or CenterFaceCrop or AutoFaceCrop))
        {
            throw new InvalidDataException($"face_crop '{FaceCrop}' must be '{AlignFaceCrop}', '{CenterFaceCrop}' or '{AutoFaceCrop}'.");
        }

        if (FaceCrop is AlignFaceCrop or AutoFaceCrop && AlignTemplate is null)
        {
            throw new InvalidDataException($"face_crop '{FaceCrop}' needs an align_template.");
        }

        AlignTemplate?.Validate();
        ValidateCrop("crop", Crop);
        if (CropPresets is null)
        {
            throw new InvalidDataException("Preprocessing crop_presets must be an object (it may be empty).");
        }

        foreach (var (name, preset) in CropPresets)
        {
            ValidateCrop($"crop preset '{name}'", preset);
        }
    }

    private static void ValidateCrop(string what, CropPolicy? crop)
    {
        if (crop is null)
        {
            throw new InvalidDataException($"Preprocessing {what} is missing.");
        }

        try
        {
            crop.Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new InvalidDataException($"Preprocessing {what}: {e.Message}", e);
        }
    }
}
