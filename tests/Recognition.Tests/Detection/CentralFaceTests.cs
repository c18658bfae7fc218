using FaceGrains.Recognition.Detection;
using FaceGrains.Recognition.Embedding;
using FaceGrains.Recognition.Images;
using FaceGrains.Recognition.Preprocessing;
using FaceGrains.Recognition.Similarity;
using FaceGrains.TestSupport;
using Xunit;

namespace FaceGrains.Recognition.Tests.Detection;

/// <summary>
/// <see cref="FaceSelection.Central"/> on LFW, whose images are framed on their subject: when the detector's first
/// look finds only a face in the background, it looks again and takes the subject at the centre.
/// </summary>
public sealed class CentralFaceTests
{
    // In Tim_Allen_0003 the first look finds only a 22 px face off the centre; the canvas look finds Tim Allen (~89 px).
    private const string Person = "Tim_Allen";

    private static RgbImage Lfw(int number) => ImageDecoder.DecodeFile(SharedData.PathOf("lfw", Person, $"{Person}_{number:D4}.jpg"));

    private static bool CoversCentre(DetectedFace face, RgbImage image) => face.Box.Contains(image.Width / 2.0, image.Height / 2.0);

    [RequiresModelFact("lfw")]
    public void The_subject_at_the_centre_is_chosen_over_a_face_in_the_background()
    {
        var image = Lfw(3);
        var firstLook = DetectionModels.Detector.Detect(image);
        Assert.NotEmpty(firstLook);
        Assert.DoesNotContain(firstLook, f => CoversCentre(f, image));
        Assert.Contains(DetectionModels.Detector.DetectOnCanvas(image), f => CoversCentre(f, image));

        using var embedder = new FaceEmbedder(TestModels.FaceApi, new EmbedderOptions());
        var preparer = new FacePreparer(TestModels.FaceApi, DetectionModels.Detector, DetectionModels.Landmarker);
        var chosen = Assert.Single(preparer.Prepare(image, FaceSelection.Central).Faces).Image;
        var reference = Assert.Single(preparer.Prepare(Lfw(2), FaceSelection.Central).Faces).Image;

        var background = firstLook.MinBy(f => Math.Abs(f.Box.CenterX - 125) + Math.Abs(f.Box.CenterY - 125))!;
        var backgroundMarks = DetectionModels.Landmarker.Detect(image, [background.Box])[0]!;
        var backgroundChip = FaceAligner.Align(image, backgroundMarks.FivePoints(), FaceTemplate.DlibChip150);

        var embeddings = embedder.Embed([chosen, backgroundChip, reference], CropPolicy.Full);
        var subject = VectorMath.Dot(embeddings[0].Normalized, embeddings[2].Normalized);
        var other = VectorMath.Dot(embeddings[1].Normalized, embeddings[2].Normalized);
        Assert.True(subject > 0.92, $"the chosen face should be Tim Allen (cosine {subject:F3} to another photo of him)");
        Assert.True(subject > other, $"the chosen face ({subject:F3}) should match him better than the background face ({other:F3})");
    }
}
