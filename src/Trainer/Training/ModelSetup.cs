using FaceGrains.Recognition.Preprocessing;
using FaceGrains.Trainer.Backbones;
using FaceGrains.Trainer.Configuration;

namespace FaceGrains.Trainer.Training;

/// <summary>The preprocessing a config implies: the backbone's defaults, overridden by the config's keys.</summary>
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
            Crop = CropPolicy.Parse(config.Crop ?? b.Crop),
            CropPresets = new() { ["lfw"] = CropPolicy.Parse(config.LfwCrop ?? b.LfwCrop) },
            Resize = config.Resize ?? b.Resize,
        };
        spec.Validate();
        return spec;
    }
}
