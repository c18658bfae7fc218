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
    public void Face_crop_policy_is_validated_and_old_manifests_read_as_center_crop()
    {
        var old = new PreprocessingSpec { Width = 150, Height = 150 };
        Assert.Equal(FaceCropMode.CenterCrop, old.FaceCropMode);
        old.Validate();

        var aligned = FaceApiImporter.WithAlignment(old);
        Assert.Equal(FaceCropMode.Auto, aligned.FaceCropMode);
        Assert.Equal(FaceTemplate.DlibChip150, aligned.AlignTemplate);
        aligned.Validate();

        Assert.Throws<InvalidDataException>(() => (old with { FaceCrop = "align" }).Validate()); // no template
        Assert.Throws<InvalidDataException>(() => (aligned with { FaceCrop = "sideways" }).Validate());
    }
}
