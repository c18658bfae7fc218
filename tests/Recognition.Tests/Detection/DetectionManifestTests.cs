using FaceGrains.Recognition.Importers;
using FaceGrains.Recognition.Preprocessing;
using Xunit;

namespace FaceGrains.Recognition.Tests.Detection;

/// <summary>The manifest's alignment fields and the TFJS reader's int32 constants (the SSD's weights hold some).</summary>
public sealed class DetectionManifestTests
{
    [Fact]
    public void Int32_constants_are_read_so_the_following_tensors_stay_in_step()
    {
        const string manifest = """[{ "paths": ["a"], "weights": [{ "name": "k", "shape": [2], "dtype": "int32" }, { "name": "f", "shape": [1], "dtype": "float32" }] }]""";
        var bytes = new byte[12];
        BitConverter.GetBytes(512).CopyTo(bytes, 0);
        BitConverter.GetBytes(-3).CopyTo(bytes, 4);
        BitConverter.GetBytes(1.5f).CopyTo(bytes, 8);

        var tensors = TfjsWeights.Read(manifest, _ => bytes);

        Assert.Equal([512f, -3f], tensors["k"].Values);
        Assert.Equal([1.5f], tensors["f"].Values);
    }

    [Fact]
    public void Face_crop_policy_is_validated()
    {
        var plain = new PreprocessingSpec { Width = 150, Height = 150 };
        Assert.Equal(FaceCropMode.CenterCrop, plain.FaceCropMode);
        plain.Validate();

        var aligned = FaceApiImporter.Recipe;
        Assert.Equal(FaceCropMode.Align, aligned.FaceCropMode);
        Assert.Equal(FaceTemplate.DlibChip150, aligned.AlignTemplate);
        aligned.Validate();

        Assert.Throws<InvalidDataException>(() => (plain with { FaceCrop = "align" }).Validate()); // no template
        Assert.Throws<InvalidDataException>(() => (aligned with { FaceCrop = "sideways" }).Validate());
        Assert.Throws<InvalidDataException>(() => (aligned with { FaceCrop = "auto" }).Validate()); // the silent fallback is gone
        Assert.Throws<InvalidDataException>(() => (aligned with { LandmarkInput = "browser" }).Validate());
        Assert.Throws<InvalidDataException>(() => (plain with { AlignTemplate = FaceTemplate.DlibChip150 }).Validate()); // unused template
    }

    [Fact]
    public void Everything_that_changes_an_embedding_changes_the_recipe_fingerprint()
    {
        var recipe = FaceApiImporter.Recipe;
        var variants = new[]
        {
            recipe with { FlipAverage = true },
            recipe with { LandmarkInput = PreprocessingSpec.CanvasLandmarkInput },
            recipe with { FaceCrop = PreprocessingSpec.CenterFaceCrop, AlignTemplate = null },
            recipe with { FaceCrop = PreprocessingSpec.CenterFaceCrop, AlignTemplate = null, Crop = CropPolicy.FitWhole },
            recipe with { AlignTemplate = FaceTemplate.DlibChip(150, 0.28) },
            recipe with { Resize = PreprocessingSpec.BilinearResize },
            recipe with { Mean = [0f, 0f, 0f] },
            recipe with { ChannelOrder = "bgr" },
        };

        var fingerprints = variants.Select(v => v.Fingerprint()).Append(recipe.Fingerprint()).ToList();
        Assert.Equal(fingerprints.Count, fingerprints.Distinct().Count());
        Assert.Equal(recipe.Fingerprint(), (recipe with { }).Fingerprint());
        Assert.Equal(64, recipe.Fingerprint().Length);
    }
}
