using FaceGrains.Recognition.Preprocessing;
using FaceGrains.Trainer.Backbones;
using FaceGrains.Trainer.Configuration;

namespace FaceGrains.Trainer.Training;

/// <summary>
/// The serving recipe a config implies: the backbone's defaults, overridden by the config's keys. Trained models take
/// face crops as they come (face_crop "center-crop" with the config's crop), as they were trained.
/// </summary>
public static class ModelSetup
{
    public static PreprocessingSpec Preprocessing(TrainingConfig config)
    {
        var b = BackboneRegistry.Spec(config.Backbone);
        var size = config.InputSize > 0 ? config.InputSize : b.InputSize;
        var spec = new PreprocessingSpec
        {
            Width = size,
            Height = size,
            ChannelOrder = "rgb",
            Mean = config.Mean ?? b.Mean,
            Std = config.Std ?? b.Std,
            FaceCrop = PreprocessingSpec.CenterFaceCrop,
            Crop = CropPolicy.Parse(config.Crop ?? b.Crop),
            Resize = config.Resize ?? b.Resize,
        };
        spec.Validate();
        return spec;
    }
}
