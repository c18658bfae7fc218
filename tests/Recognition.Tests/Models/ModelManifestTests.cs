using System.Text.Json.Nodes;
using FaceGrains.Recognition.Models;
using FaceGrains.Recognition.Preprocessing;
using Xunit;

namespace FaceGrains.Recognition.Tests.Models;

public sealed class ModelManifestTests
{
    private static ModelManifest Valid() => new()
    {
        Id = "",
        Name = "round-trip",
        CreatedUtc = new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero),
        InputName = "data",
        OutputName = "fc1",
        EmbeddingSize = 512,
        Preprocessing = new PreprocessingSpec
        {
            Width = 112,
            Height = 96,
            ChannelOrder = "bgr",
            Mean = [127.5f, 127.25f, 104.298f],
            Std = [128f, 255f, 0.5f],
            Resize = PreprocessingSpec.TensorFlowBilinearResize,
            FaceCrop = PreprocessingSpec.AlignFaceCrop,
            AlignTemplate = FaceTemplate.ArcFace112,
            FlipAverage = true,
        },
        Thresholds = new() { ["eer"] = 0.31, ["far_1e-3"] = 0.52 },
        Provenance = new ModelProvenance { Source = "npm:x@1", Licence = "MIT", SourceIntegrity = "sha512-abc", WeightsSha256 = "00ff", Notes = "n" },
        Evaluation = new() { ["lfw"] = new() { ["accuracy_mean"] = 0.978, ["auc"] = 0.997 } },
    };

    private static PreprocessingSpec CenterCrop(PreprocessingSpec spec) => spec with { FaceCrop = PreprocessingSpec.CenterFaceCrop, AlignTemplate = null };

    public static TheoryData<string, Func<ModelManifest, ModelManifest>, string> Invalid => new()
    {
        { "format", m => m with { Format = 3 }, "format 3" },
        { "earlier format", m => m with { Format = 1 }, "import the model again" },
        { "edited recipe", m => m with { OnnxSha256 = new string('b', 64), Id = new string('a', 64) }, "does not match its recipe" },
        { "face crop", m => m with { Preprocessing = m.Preprocessing with { FaceCrop = "auto" } }, "face_crop" },
        { "zero embedding size", m => m with { EmbeddingSize = 0 }, "embedding_size" },
        { "negative embedding size", m => m with { EmbeddingSize = -3 }, "embedding_size" },
        { "empty input name", m => m with { InputName = "" }, "input_name" },
        { "blank output name", m => m with { OutputName = "  " }, "output_name" },
        { "distance", m => m with { Distance = "euclidean" }, "euclidean" },
        { "zero width", m => m with { Preprocessing = m.Preprocessing with { Width = 0 } }, "0x96" },
        { "negative height", m => m with { Preprocessing = m.Preprocessing with { Height = -1 } }, "112x-1" },
        { "channel order", m => m with { Preprocessing = m.Preprocessing with { ChannelOrder = "RGB" } }, "RGB" },
        { "resize", m => m with { Preprocessing = m.Preprocessing with { Resize = "nearest" } }, "nearest" },
        { "std zero", m => m with { Preprocessing = m.Preprocessing with { Std = [1f, 0f, 1f] } }, "std" },
        { "two means", m => m with { Preprocessing = m.Preprocessing with { Mean = [1f, 2f] } }, "mean" },
        { "four stds", m => m with { Preprocessing = m.Preprocessing with { Std = [1f, 2f, 3f, 4f] } }, "std" },
        { "a fixed crop with alignment", m => m with { Preprocessing = m.Preprocessing with { Crop = CropPolicy.FitWhole } }, "no fixed crop" },
        { "crop side", m => m with { Preprocessing = CenterCrop(m.Preprocessing) with { Crop = new CropPolicy { Side = 0 } } }, "side" },
        { "crop centre", m => m with { Preprocessing = CenterCrop(m.Preprocessing) with { Crop = new CropPolicy { CenterY = 1.5 } } }, "centre" },
    };

    [Fact]
    public void The_valid_example_validates()
    {
        Valid().Validate();
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Validate_refuses_each_bad_field_with_invalid_data_saying_what(string what, Func<ModelManifest, ModelManifest> spoil, string expectedInMessage)
    {
        var manifest = spoil(Valid());

        var e = Assert.Throws<InvalidDataException>(manifest.Validate);

        Assert.True(e.Message.Contains(expectedInMessage, StringComparison.OrdinalIgnoreCase), $"{what}: '{e.Message}' should mention '{expectedInMessage}'");
        Assert.Throws<InvalidDataException>(() => ModelManifest.FromJson(manifest.ToJson()));
    }

    [Fact]
    public void Json_round_trip_keeps_every_field()
    {
        var original = Valid();

        var json = original.ToJson();
        var back = ModelManifest.FromJson(json);

        Assert.Equal(json, back.ToJson());
        Assert.Equal(original.Id, back.Id);
        Assert.Equal(original.Name, back.Name);
        Assert.Equal(original.CreatedUtc, back.CreatedUtc);
        Assert.Equal(("data", "fc1", 512), (back.InputName, back.OutputName, back.EmbeddingSize));
        var p = back.Preprocessing;
        Assert.Equal((112, 96, "bgr"), (p.Width, p.Height, p.ChannelOrder));
        Assert.Equal(original.Preprocessing.Mean, p.Mean);
        Assert.Equal(original.Preprocessing.Std, p.Std);
        Assert.Equal(CropPolicy.Full, p.Crop);
        Assert.Equal(FaceTemplate.ArcFace112.Points.SelectMany(x => x), p.AlignTemplate!.Points.SelectMany(x => x));
        Assert.True(p.FlipAverage);
        Assert.Equal(original.Preprocessing.Fingerprint(), p.Fingerprint());
        Assert.Equal(ResizeMethod.TensorFlowLegacy, p.ResizeMethod);
        Assert.Equal(0.52, back.Thresholds["far_1e-3"]);
        Assert.Equal(original.Provenance, back.Provenance);
        Assert.Equal(0.997, back.Evaluation["lfw"]["auc"]);
    }

    [Fact]
    public void Json_uses_the_documented_snake_case_names()
    {
        var node = JsonNode.Parse(Valid().ToJson())!.AsObject();

        Assert.Equal(
            ["format", "id", "onnx_sha256", "name", "created_utc", "input_name", "output_name", "embedding_size", "preprocessing", "distance", "thresholds", "provenance", "evaluation"],
            node.Select(kv => kv.Key));
        var preprocessing = node["preprocessing"]!.AsObject();
        Assert.Equal(["width", "height", "channel_order", "mean", "std", "resize", "face_crop", "align_template", "landmark_input", "crop", "flip_average"], preprocessing.Select(kv => kv.Key));
        Assert.False(preprocessing["crop"]!["fit"]!.GetValue<bool>());
        Assert.Equal("align", preprocessing["face_crop"]!.GetValue<string>());
        Assert.Equal("tf-bilinear", preprocessing["resize"]!.GetValue<string>());
        Assert.Equal("sha512-abc", node["provenance"]!["source_integrity"]!.GetValue<string>());
    }

    [Fact]
    public void A_manifest_without_resize_or_crop_gets_the_documented_defaults()
    {
        var manifest = ModelManifest.FromJson("""{ "format": 2, "embedding_size": 8, "preprocessing": { "width": 4, "height": 4 } }""");

        Assert.Equal(PreprocessingSpec.BilinearResize, manifest.Preprocessing.Resize);
        Assert.Equal(ResizeMethod.Bilinear, manifest.Preprocessing.ResizeMethod);
        Assert.Equal(CropPolicy.Full, manifest.Preprocessing.Crop);
        Assert.Equal(FaceCropMode.CenterCrop, manifest.Preprocessing.FaceCropMode);
        Assert.False(manifest.Preprocessing.FlipAverage);
        Assert.Equal(("rgb", "cosine", "input", "embedding"), (manifest.Preprocessing.ChannelOrder, manifest.Distance, manifest.InputName, manifest.OutputName));
    }

    [Theory]
    [InlineData("null")]
    [InlineData("""{ "format": 2, "embedding_size": 8, "preprocessing": null }""")]
    [InlineData("""{ "format": 2, "embedding_size": 8, "preprocessing": { "width": 4, "height": 4 }, "thresholds": null }""")]
    [InlineData("""{ "format": 2, "embedding_size": 8, "preprocessing": { "width": 4, "height": 4, "std": null } }""")]
    [InlineData("""{ "format": 2, "embedding_size": 8, "preprocessing": { "width": 4, "height": 4, "crop": null } }""")]
    [InlineData("""{ "format": 2, "embedding_size": 8, "preprocessing": { "width": 4, "height": 4, "face_crop": null } }""")]
    public void Nulls_where_values_belong_are_invalid_data_not_a_crash(string json)
    {
        Assert.Throws<InvalidDataException>(() => ModelManifest.FromJson(json));
    }
}
