using FaceGrains.Recognition.Detection;
using FaceGrains.Recognition.Images;
using FaceGrains.Recognition.Preprocessing;
using FaceGrains.TestSupport;
using Xunit;

namespace FaceGrains.Recognition.Tests.Detection;

/// <summary>
/// The evaluation-only cache of prepared photos answers exactly what the preparer made (every field, the chip's
/// pixels), never answers for another image or recipe, and survives a damaged entry.
/// </summary>
public sealed class PreparedPhotoCacheTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "fg-prepared-cache-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private static RgbImage Scene() => ImageDecoder.DecodeFile(SharedData.PathOf("bbt", "scenes", "bbt4.jpg"));

    private static FacePreparer Preparer() => new(TestModels.FaceApi, DetectionModels.Detector, DetectionModels.Landmarker);

    [RequiresModelFact("bbt")]
    public void A_cached_photo_is_the_prepared_photo_field_for_field()
    {
        var image = Scene();
        var fresh = Preparer().Prepare(image, FaceSelection.Every);
        Assert.True(fresh.Faces.Count >= 2, "bbt4.jpg shows several people");

        var cache = new PreparedPhotoCache(_dir);
        var cached = Preparer();
        cached.Cache = cache;
        var first = cached.Prepare(image, FaceSelection.Every);
        var second = cached.Prepare(image, FaceSelection.Every);
        Assert.Equal(1, cache.Hits);
        Assert.Equal(1, cache.Misses);

        foreach (var photo in new[] { first, second })
        {
            Assert.Equal((fresh.Width, fresh.Height, fresh.Outcome, fresh.Message), (photo.Width, photo.Height, photo.Outcome, photo.Message));
            Assert.Equal(fresh.Others, photo.Others);
            Assert.Equal(fresh.Faces.Count, photo.Faces.Count);
            for (var i = 0; i < fresh.Faces.Count; i++)
            {
                var a = fresh.Faces[i];
                var b = photo.Faces[i];
                Assert.Equal((a.Index, a.Box, a.DetectorScore, a.Quality, a.Crop, a.IsChip), (b.Index, b.Box, b.DetectorScore, b.Quality, b.Crop, b.IsChip));
                Assert.Equal(a.Landmarks!.Points, b.Landmarks!.Points);
                Assert.Equal(a.FivePoints, b.FivePoints);
                Assert.Equal((a.Image.Width, a.Image.Height), (b.Image.Width, b.Image.Height));
                Assert.Equal(a.Image.Pixels, b.Image.Pixels);
            }
        }
    }

    [RequiresModelFact("bbt")]
    public void Another_image_selection_or_recipe_is_never_answered_from_the_cache()
    {
        var image = Scene();
        var recipe = TestModels.FaceApi.Manifest.Preprocessing;
        var options = DetectionModels.Detector.Options;
        string Key(RgbImage photo, FaceSelection selection, bool aligned, PreprocessingSpec spec, FaceDetectorOptions detector) =>
            PreparedPhotoCache.Key(photo, selection, aligned, PreparedPhotoCache.Describe(spec, detector));
        var key = Key(image, FaceSelection.Every, false, recipe, options);

        var pixels = (byte[])image.Pixels.Clone();
        pixels[^1] ^= 1;
        Assert.NotEqual(key, Key(new RgbImage(image.Width, image.Height, pixels), FaceSelection.Every, false, recipe, options));
        Assert.NotEqual(key, Key(image, FaceSelection.Largest, false, recipe, options));
        Assert.NotEqual(key, Key(image, FaceSelection.Every, true, recipe, options));
        Assert.NotEqual(key, Key(image, FaceSelection.Every, false, recipe with { AlignTemplate = recipe.AlignTemplate!.Scaled(112) }, options));
        Assert.NotEqual(key, Key(image, FaceSelection.Every, false, recipe, options with { MinConfidence = 0.6f }));
        Assert.Equal(key, Key(image, FaceSelection.Every, false, recipe, options with { IntraOpNumThreads = 7 }));
    }

    [RequiresModelFact("bbt")]
    public void Recipes_that_differ_only_in_how_a_chip_becomes_a_tensor_share_entries()
    {
        // mobileface and mobilefacenet cut the same 112×112 ArcFace-template chips and normalise them differently.
        var image = Scene();
        var recipe = TestModels.FaceApi.Manifest.Preprocessing;
        var options = DetectionModels.Detector.Options;
        var key = PreparedPhotoCache.Key(image, FaceSelection.Every, false, PreparedPhotoCache.Describe(recipe, options));
        var tensorOnly = recipe with { ChannelOrder = "bgr", Mean = [127.5f, 127.5f, 127.5f], Std = [128f, 128f, 128f], Resize = PreprocessingSpec.TensorFlowBilinearResize, FlipAverage = !recipe.FlipAverage };

        Assert.Equal(key, PreparedPhotoCache.Key(image, FaceSelection.Every, false, PreparedPhotoCache.Describe(tensorOnly, options)));
        Assert.NotEqual(key, PreparedPhotoCache.Key(image, FaceSelection.Every, false, PreparedPhotoCache.Describe(recipe with { LandmarkInput = PreprocessingSpec.CanvasLandmarkInput }, options)));
        Assert.NotEqual(key, PreparedPhotoCache.Key(image, FaceSelection.Every, false, PreparedPhotoCache.Describe(recipe with { FaceCrop = PreprocessingSpec.CenterFaceCrop }, options)));

        // Another build of the detection networks (a changed importer) is another key.
        var networks = PreparedPhotoCache.Key(image, FaceSelection.Every, false, PreparedPhotoCache.Describe(recipe, options, "detector-a|landmarks-a"));
        Assert.NotEqual(networks, PreparedPhotoCache.Key(image, FaceSelection.Every, false, PreparedPhotoCache.Describe(recipe, options, "detector-b|landmarks-a")));
    }

    [RequiresModelFact("bbt")]
    public void A_damaged_entry_is_prepared_again()
    {
        var image = Scene();
        var preparer = Preparer();
        preparer.Cache = new PreparedPhotoCache(_dir);
        var fresh = preparer.Prepare(image, FaceSelection.Largest);
        var entry = Assert.Single(Directory.GetFiles(_dir, "*.bin", SearchOption.AllDirectories));
        var bytes = File.ReadAllBytes(entry);
        File.WriteAllBytes(entry, bytes[..(bytes.Length / 2)]);

        var again = preparer.Prepare(image, FaceSelection.Largest);
        Assert.Equal(fresh.Faces[0].Image.Pixels, again.Faces[0].Image.Pixels);
        Assert.Equal(bytes.Length, new FileInfo(entry).Length);
    }
}
