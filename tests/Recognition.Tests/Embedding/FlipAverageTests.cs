using FaceGrains.Recognition.Detection;
using FaceGrains.Recognition.Embedding;
using FaceGrains.Recognition.Images;
using FaceGrains.Recognition.Preprocessing;
using FaceGrains.TestSupport;
using Xunit;

namespace FaceGrains.Recognition.Tests.Embedding;

/// <summary>A recipe's <see cref="PreprocessingSpec.FlipAverage"/> on the imported model and a real face.</summary>
public sealed class FlipAverageTests
{
    private const float Tolerance = 1e-5f;

    /// <summary>A 150×150 window of face1.png copied pixel for pixel, so that no resize can break the mirror symmetry.</summary>
    private static RgbImage Chip() =>
        FaceAligner.Warp(ImageDecoder.DecodeFile(SharedData.PathOf("bbt", "reference", "face1.png")), SimilarityTransform.Identity, 150, 150);

    /// <summary>The imported network under a flip-averaging recipe: a version of its own, as <c>models derive --flip-average</c> makes.</summary>
    private static Recognition.Models.ModelVersion Flipped() => TestModels.FaceApi with
    {
        Manifest = TestModels.FaceApi.Manifest with { Preprocessing = TestModels.FaceApi.Manifest.Preprocessing with { FlipAverage = true }, Id = "", OnnxSha256 = "" },
    };

    private static RgbImage Mirror(RgbImage image)
    {
        var pixels = new byte[image.Pixels.Length];
        for (var y = 0; y < image.Height; y++)
        {
            for (var x = 0; x < image.Width; x++)
            {
                image.Pixels.AsSpan(((y * image.Width) + x) * 3, 3).CopyTo(pixels.AsSpan(((y * image.Width) + image.Width - 1 - x) * 3));
            }
        }

        return new RgbImage(image.Width, image.Height, pixels);
    }

    [RequiresModelFact("bbt/reference")]
    public void The_embedding_is_the_mean_of_the_face_and_its_mirror_image()
    {
        var chip = Chip();
        using var plain = new FaceEmbedder(TestModels.FaceApi, new EmbedderOptions());
        using var flip = new FaceEmbedder(Flipped(), new EmbedderOptions());

        var both = plain.Embed([chip, Mirror(chip)], CropPolicy.Full);
        var averaged = flip.Embed([chip], CropPolicy.Full)[0];

        for (var i = 0; i < averaged.Raw.Length; i++)
        {
            Assert.InRange(averaged.Raw[i], ((both[0].Raw[i] + both[1].Raw[i]) / 2) - Tolerance, ((both[0].Raw[i] + both[1].Raw[i]) / 2) + Tolerance);
        }
    }

    [RequiresModelFact("bbt/reference")]
    public void A_face_and_its_mirror_image_get_the_same_averaged_embedding_through_both_entry_points()
    {
        var chip = Chip();
        using var plain = new FaceEmbedder(TestModels.FaceApi, new EmbedderOptions());
        using var flip = new FaceEmbedder(Flipped(), new EmbedderOptions());

        var plainPair = plain.Embed([chip, Mirror(chip)], CropPolicy.Full);
        Assert.True(MaxDifference(plainPair[0].Raw, plainPair[1].Raw) > 1e-3, "the model alone should tell a face from its mirror image");

        // Embed (images) and EmbedTensors (ready tensors, as the gallery's batcher calls it) both average.
        var tensors = new float[2 * flip.InputSize];
        Preprocessor.ToTensor(chip, flip.Manifest.Preprocessing, CropPolicy.Full, tensors.AsSpan(0, flip.InputSize));
        Preprocessor.ToTensor(Mirror(chip), flip.Manifest.Preprocessing, CropPolicy.Full, tensors.AsSpan(flip.InputSize));
        var raw = new float[2 * flip.EmbeddingSize];
        var normalized = new float[2 * flip.EmbeddingSize];
        flip.EmbedTensors(tensors, 2, raw, normalized);

        Assert.True(MaxDifference(raw.AsSpan(0, flip.EmbeddingSize), raw.AsSpan(flip.EmbeddingSize)) < Tolerance);
        Assert.True(MaxDifference(raw.AsSpan(0, flip.EmbeddingSize), flip.Embed([chip], CropPolicy.Full)[0].Raw) < Tolerance);
    }

    private static float MaxDifference(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var max = 0f;
        for (var i = 0; i < a.Length; i++)
        {
            max = Math.Max(max, Math.Abs(a[i] - b[i]));
        }

        return max;
    }
}
