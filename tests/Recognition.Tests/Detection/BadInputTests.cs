using FaceGrains.Recognition.Detection;
using FaceGrains.Recognition.Images;
using FaceGrains.Recognition.Preprocessing;
using FaceGrains.TestSupport;
using Xunit;

namespace FaceGrains.Recognition.Tests.Detection;

/// <summary>Photos that hold no usable face get an explicit per-image answer, and nothing to enrol.</summary>
public sealed class BadInputTests
{
    private static FacePipeline Pipeline() => new(DetectionModels.Detector, DetectionModels.Landmarker, FaceTemplate.DlibChip150);

    private static RgbImage Uniform(int w, int h, byte value) => new(w, h, Enumerable.Repeat(value, w * h * 3).ToArray());

    [RequiresModelFact]
    public void A_1x1_image_is_too_small_to_hold_a_face()
    {
        var result = Pipeline().ForEnrolment(Uniform(1, 1, 128));

        Assert.Equal(PhotoOutcome.ImageTooSmall, result.Photo.Outcome);
        Assert.False(result.Accepted);
        Assert.Null(result.Embedding);
        Assert.Contains("1x1", Assert.Single(result.Rejections), StringComparison.Ordinal);
    }

    [RequiresModelFact]
    public void A_photo_without_a_face_says_so()
    {
        var rng = new Random(5);
        var noise = new byte[320 * 240 * 3];
        rng.NextBytes(noise);

        var photo = Pipeline().Analyze(new RgbImage(320, 240, noise));

        Assert.Equal(PhotoOutcome.NoFace, photo.Outcome);
        Assert.Empty(photo.Faces);
        Assert.Contains("no face", photo.Message, StringComparison.Ordinal);
    }

    [RequiresModelFact("bbt/reference")]
    public void An_extreme_aspect_ratio_is_answered_per_image()
    {
        // A 4000×20 strip: shorter than the minimum face, so no face can be in it.
        Assert.Equal(PhotoOutcome.ImageTooSmall, Pipeline().Analyze(Uniform(4000, 19, 200)).Outcome);

        // A 2000×60 strip with nothing in it: runs the detector on a mostly black square and finds nothing.
        Assert.Equal(PhotoOutcome.NoFace, Pipeline().Analyze(Uniform(2000, 60, 200)).Outcome);
    }

    [RequiresModelFact("bbt/reference")]
    public void Tiny_faces_are_below_the_minimum_size_and_reported_as_no_face()
    {
        // faces.jpg shrunk 10× (71×47): its faces are about 10 px, under the 20 px minimum.
        var image = ImageDecoder.DecodeFile(SharedData.PathOf("bbt", "reference", "faces.jpg"));
        var tiny = FaceAligner.Warp(image, new SimilarityTransform(0.1, 0, 0, 0), 71, 47);

        var photo = Pipeline().Analyze(tiny);

        Assert.NotEqual(PhotoOutcome.FacesFound, photo.Outcome);
        Assert.False(Pipeline().ForEnrolment(tiny).Accepted);
    }

    [RequiresModelFact("bbt/reference")]
    public void Enrolment_takes_the_largest_face_and_reports_the_others()
    {
        var image = ImageDecoder.DecodeFile(SharedData.PathOf("bbt", "reference", "faces.jpg"));

        var result = Pipeline().ForEnrolment(image);

        Assert.NotNull(result.Face);
        Assert.Equal(5, result.Others.Count);
        Assert.All(result.Others, o => Assert.True(o.Box.Area <= result.Face!.Box.Area));
        Assert.Equal((150, 150), (result.Face!.AlignedChip.Width, result.Face.AlignedChip.Height));
    }
}
