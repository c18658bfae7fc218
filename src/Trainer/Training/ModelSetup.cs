using FaceGrains.Recognition.Preprocessing;
using FaceGrains.Trainer.Backbones;
using FaceGrains.Trainer.Configuration;

namespace FaceGrains.Trainer.Training;

/// <summary>
/// The serving recipe a config implies: the backbone's defaults, overridden by the config's keys. Trained models take
/// face crops as they come (face_crop "center-crop" with the config's crop), or faces detected and aligned onto the
/// config's template (face_crop "align"), as they were trained.
/// </summary>
public static class ModelSetup
{
    public static PreprocessingSpec Preprocessing(TrainingConfig config)
    {
        var b = BackboneRegistry.Spec(config.Backbone);
        var size = config.InputSize > 0 ? config.InputSize : b.InputSize;
        var align = config.FaceCrop == PreprocessingSpec.AlignFaceCrop;
        var spec = new PreprocessingSpec
        {
            Width = size,
            Height = size,
            ChannelOrder = "rgb",
            Mean = config.Mean ?? b.Mean,
            Std = config.Std ?? b.Std,
            FaceCrop = align ? PreprocessingSpec.AlignFaceCrop : PreprocessingSpec.CenterFaceCrop,
            AlignTemplate = align ? Template(config.AlignTemplate, size) : null,
            Crop = align ? CropPolicy.Full : CropPolicy.Parse(config.Crop ?? b.Crop),
            Resize = config.Resize ?? b.Resize,
        };
        spec.Validate();
        return spec;
    }

    /// <summary>The config's <c>align_template</c> at <paramref name="size"/> pixels: InsightFace's 112×112 template or dlib's 150×150 chip, scaled.</summary>
    public static FaceTemplate Template(string name, int size) => name switch
    {
        "dlib" => FaceTemplate.DlibChip150.Scaled(size),
        _ => FaceTemplate.ArcFace112.Scaled(size),
    };
}
