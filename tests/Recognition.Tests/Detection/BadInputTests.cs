using FaceGrains.Recognition.Detection;
using FaceGrains.Recognition.Images;
using FaceGrains.TestSupport;
using Xunit;

namespace FaceGrains.Recognition.Tests.Detection;

/// <summary>Photos that hold no usable face get an explicit per-image answer, never a silent fixed crop; declared chips skip detection.</summary>
public sealed class BadInputTests
{
    private static FacePreparer Preparer() => new(TestModels.FaceApi, DetectionModels.Detector, DetectionModels.Landmarker);

    private static RgbImage Uniform(int w, int h, byte value) => new(w, h, Enumerable.Repeat(value, w * h * 3).ToArray());

    [RequiresModelFact]
    public void A_1x1_image_is_too_small_to_hold_a_face_even_when_declared_a_chip()
    {
        var photo = Preparer().Prepare(Uniform(1, 1, 128), FaceSelection.Largest);

        Assert.Equal(PhotoOutcome.ImageTooSmall, photo.Outcome);
        Assert.Empty(photo.Faces);
        Assert.Contains("1x1", photo.Message, StringComparison.Ordinal);
        Assert.Equal(PhotoOutcome.ImageTooSmall, Preparer().Prepare(Uniform(1, 1, 128), FaceSelection.Largest, aligned: true).Outcome);
    }

    [RequiresModelFact]
    public void A_photo_without_a_face_says_so_and_is_not_cropped_anyway()
    {
        var rng = new Random(5);
        var noise = new byte[320 * 240 * 3];
        rng.NextBytes(noise);

        var photo = Preparer().Prepare(new RgbImage(320, 240, noise), FaceSelection.Largest);

        Assert.Equal(PhotoOutcome.NoFace, photo.Outcome);
        Assert.Empty(photo.Faces);
        Assert.Contains("no face", photo.Message, StringComparison.Ordinal);
    }

    [RequiresModelFact("bbt/reference")]
    public void A_declared_chip_skips_detection_and_is_aligned_from_landmarks_on_the_whole_image()
    {
        // face-api.js's own 150×150 chip: its reference landmarks were found on the whole image, as the preparer does.
        var image = ImageDecoder.DecodeFile(SharedData.PathOf("bbt", "reference", "face1.png"));

        var photo = Preparer().Prepare(image, FaceSelection.Largest, aligned: true);

        var face = Assert.Single(photo.Faces);
        Assert.True(face.IsChip);
        Assert.Null(face.DetectorScore);
        Assert.Null(face.Quality.Score);
        Assert.Equal(new FaceBox(0, 0, 150, 150), face.Box);
        Assert.Equal(5, face.FivePoints!.Length);
        Assert.InRange(Math.Abs(face.Quality.YawDegrees!.Value), 0, 20);
        Assert.Equal((150, 150), (face.Image.Width, face.Image.Height));
        Assert.Empty(Preparer().Enrolment.Check(face.Quality));

        // The gate still applies to what it can measure: the size.
        var small = Preparer().Prepare(Uniform(30, 30, 90), FaceSelection.Largest, aligned: true);
        Assert.Contains(Preparer().Enrolment.Check(Assert.Single(small.Faces).Quality), p => p.Kind == QualityProblemKind.TooSmall);
    }

    [RequiresModelFact("bbt/reference")]
    public void An_extreme_aspect_ratio_is_answered_per_image()
    {
        // A 4000×19 strip: shorter than the minimum face, so no face can be in it.
        Assert.Equal(PhotoOutcome.ImageTooSmall, Preparer().Prepare(Uniform(4000, 19, 200), FaceSelection.Every).Outcome);

        // A 2000×60 strip with nothing in it: runs the detector on a mostly black square and finds nothing.
        Assert.Equal(PhotoOutcome.NoFace, Preparer().Prepare(Uniform(2000, 60, 200), FaceSelection.Every).Outcome);
    }

    [RequiresModelFact("bbt/reference")]
    public void Tiny_faces_are_below_the_minimum_size_and_reported_as_no_face()
    {
        // faces.jpg shrunk 10× (71×47): its faces are about 10 px, under the 20 px minimum.
        var image = ImageDecoder.DecodeFile(SharedData.PathOf("bbt", "reference", "faces.jpg"));
        var tiny = FaceAligner.Warp(image, new SimilarityTransform(0.1, 0, 0, 0), 71, 47);

        var photo = Preparer().Prepare(tiny, FaceSelection.Largest);

        Assert.NotEqual(PhotoOutcome.FacesFound, photo.Outcome);
        Assert.Empty(photo.Faces);
    }

    [RequiresModelFact("bbt/reference")]
    public void Enrolment_takes_the_largest_face_and_reports_the_others_by_box()
    {
        var image = ImageDecoder.DecodeFile(SharedData.PathOf("bbt", "reference", "faces.jpg"));

        var photo = Preparer().Prepare(image, FaceSelection.Largest);

        var face = Assert.Single(photo.Faces);
        Assert.Equal(5, photo.Others.Count);
        Assert.All(photo.Others, o => Assert.True(o.Box.Area <= face.Box.Area));
        Assert.Equal((150, 150), (face.Image.Width, face.Image.Height));
        Assert.NotNull(face.FivePoints);
        Assert.Empty(Preparer().Enrolment.Check(face.Quality));

        var every = Preparer().Prepare(image, FaceSelection.Every);
        Assert.Equal(6, every.Faces.Count);
        Assert.Empty(every.Others);
        Assert.Equal(face.Box, every.Faces[0].Box);
    }

    [Fact]
    public void An_aligning_recipe_needs_a_detector_and_a_landmark_net_drawn_its_way()
    {
        var version = new Recognition.Models.ModelVersion(new Recognition.Models.ModelManifest { Id = "x", EmbeddingSize = 128, Preprocessing = Recognition.Importers.FaceApiImporter.Recipe }, "/nowhere/model.onnx");
        Assert.Throws<ArgumentException>(() => { using var preparer = new FacePreparer(version, null, null); });
    }
}
