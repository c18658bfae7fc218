using FaceGrains.Recognition.Images;
using FaceGrains.Recognition.Importers;
using FaceGrains.Recognition.Models;
using FaceGrains.Recognition.Preprocessing;

namespace FaceGrains.Recognition.Detection;

/// <summary>
/// The one path from a photo to model input, exactly as a model version's recipe (<see cref="PreprocessingSpec"/>)
/// says. "align": detect → 68 landmarks → five points → similarity warp onto the recipe's template → quality; a photo
/// without a face is an explicit <see cref="PhotoOutcome"/>, never a silent fixed crop. An image the caller declares to
/// be a face chip skips the detector only: its landmarks are found on the whole image and it is aligned the same way.
/// "center-crop": every image is a face, cut with the recipe's fixed crop. The embedder grain, the command
/// line (embed, eval, demo, models calibrate) and the trainer's validation all prepare faces here, so every figure is
/// measured on the path the gallery serves. Thread-safe.
/// </summary>
public sealed class FacePreparer : IDisposable
{
    private readonly bool ownsDetection;

    /// <param name="detector">Required when the recipe aligns; ignored otherwise.</param>
    /// <param name="landmarker">Required when the recipe aligns; its input drawing must be the recipe's.</param>
    public FacePreparer(ModelVersion version, FaceDetector? detector, FaceLandmarker? landmarker, EnrolmentThresholds? enrolment = null)
        : this((version ?? throw new ArgumentNullException(nameof(version))).Manifest.Preprocessing, detector, landmarker, enrolment, ownsDetection: false)
    {
    }

    private FacePreparer(PreprocessingSpec recipe, FaceDetector? detector, FaceLandmarker? landmarker, EnrolmentThresholds? enrolment, bool ownsDetection)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        Recipe = recipe;
        Recipe.Validate();
        Enrolment = enrolment ?? new EnrolmentThresholds();
        this.ownsDetection = ownsDetection;
        if (Recipe.FaceCropMode == FaceCropMode.Align)
        {
            Detector = detector ?? throw new ArgumentException("The recipe aligns faces: it needs a detector.", nameof(detector));
            Landmarker = landmarker ?? throw new ArgumentException("The recipe aligns faces: it needs a landmark net.", nameof(landmarker));
            Template = Recipe.AlignTemplate!;
            if (Landmarker.Drawing != LandmarkDrawingOf(Recipe))
            {
                throw new ArgumentException($"The recipe draws landmark input as '{Recipe.LandmarkInput}', the landmark net given draws it as {Landmarker.Drawing}.", nameof(landmarker));
            }
        }
    }

    /// <summary>The serving recipe faces are prepared by.</summary>
    public PreprocessingSpec Recipe { get; }

    /// <summary>The detector (null when the recipe does not align).</summary>
    public FaceDetector? Detector { get; }

    public FaceLandmarker? Landmarker { get; }

    /// <summary>The alignment template (null when the recipe does not align).</summary>
    public FaceTemplate? Template { get; }

    /// <summary>When a prepared face is good enough to enrol.</summary>
    public EnrolmentThresholds Enrolment { get; }

    /// <summary>Shorter image side below which no face can be found (the detector's minimum face size).</summary>
    public double MinImageSide => Detector?.Options.MinFaceSize ?? new FaceDetectorOptions().MinFaceSize;

    /// <summary>
    /// The preparer of <paramref name="version"/>'s recipe, loading (importing on first use from the pinned npm
    /// package) the detector and landmark net when the recipe aligns. Disposing it releases them.
    /// </summary>
    public static FacePreparer Open(ModelVersion version, FaceGrainsHome home, int intraOpThreads = 0, Action<string>? log = null, EnrolmentThresholds? enrolment = null, DetectorPrecision detectorPrecision = DetectorPrecision.Float32)
    {
        ArgumentNullException.ThrowIfNull(version);
        return Open(version.Manifest.Preprocessing, home, intraOpThreads, log, enrolment, detectorPrecision);
    }

    /// <summary>The preparer of a recipe that has no model version yet (the trainer's validation faces).</summary>
    public static FacePreparer Open(PreprocessingSpec recipe, FaceGrainsHome home, int intraOpThreads = 0, Action<string>? log = null, EnrolmentThresholds? enrolment = null, DetectorPrecision detectorPrecision = DetectorPrecision.Float32)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        ArgumentNullException.ThrowIfNull(home);
        if (recipe.FaceCropMode != FaceCropMode.Align)
        {
            return new FacePreparer(recipe, null, null, enrolment, ownsDetection: true);
        }

        var (detectorModel, landmarkModel) = FaceApiDetectionImporter.EnsureImported(DetectionModelStore.In(home), home.CacheDirectory, log, detectorPrecision);
        var detector = new FaceDetector(detectorModel, new FaceDetectorOptions { IntraOpNumThreads = intraOpThreads });
        try
        {
            var landmarker = new FaceLandmarker(landmarkModel, intraOpThreads, LandmarkDrawingOf(recipe));
            return new FacePreparer(recipe, detector, landmarker, enrolment, ownsDetection: true);
        }
        catch
        {
            detector.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The faces of <paramref name="image"/> the model is to see. <paramref name="aligned"/>: the caller declares the
    /// image to be a face chip (detectors often miss faces that fill the frame); it skips detection and is taken as one
    /// face. Never a silent fallback: without it, a photo in which no face is found has none.
    /// </summary>
    public PreparedPhoto Prepare(RgbImage image, FaceSelection selection, bool aligned = false)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (Cache is null || Detector is null)
        {
            return PrepareUncached(image, selection, aligned);
        }

        _cacheDescription ??= PreparedPhotoCache.Describe(Recipe, Detector.Options, $"{Detector.Model.Info.Id}|{Landmarker!.Model.Info.Id}");
        var key = PreparedPhotoCache.Key(image, selection, aligned, _cacheDescription);
        if (Cache.TryGet(key) is { } cached)
        {
            return cached;
        }

        var photo = PrepareUncached(image, selection, aligned);
        Cache.Put(key, photo);
        return photo;
    }

    /// <summary>
    /// Offline evaluation only: keep what <see cref="Prepare"/> makes of each photo on disk (keyed by its pixels, the
    /// recipe and the detector settings), so another model with the same recipe detects nothing. Never set in a silo.
    /// </summary>
    public PreparedPhotoCache? Cache { get; set; }

    private string? _cacheDescription;

    private PreparedPhoto PrepareUncached(RgbImage image, FaceSelection selection, bool aligned)
    {
        if (Math.Min(image.Width, image.Height) < MinImageSide)
        {
            return new PreparedPhoto(image.Width, image.Height, PhotoOutcome.ImageTooSmall,
                $"image is {image.Width}x{image.Height}: its shorter side is below the {MinImageSide:F0} px minimum face size", [], []);
        }

        if (Detector is null)
        {
            // A center-crop recipe: every image is a face, cut with the fixed crop.
            var view = ModelView(image, Recipe.Crop);
            var whole = new PreparedFace(0, new FaceBox(0, 0, image.Width, image.Height), null, null, null, FaceQualityMeasure.MeasureChip(image, view), image, Recipe.Crop, IsChip: true);
            return new PreparedPhoto(image.Width, image.Height, PhotoOutcome.FacesFound, "whole image (center-crop recipe)", [whole], []);
        }

        if (aligned)
        {
            // A face chip: no detection; the whole image is the face box the landmark net sees (as face-api.js finds the
            // landmarks of its chips), and the face is aligned onto the template like any other, so chips and photos of
            // one person embed alike whatever framing the chips came with.
            var box = new FaceBox(0, 0, image.Width, image.Height);
            var marks = Landmarker!.Detect(image, [box])[0]!;
            var five = marks.FivePoints();
            var chip = FaceAligner.Warp(image, FaceAligner.TransformFor(five, Template!), Template!.Width, Template.Height);
            var quality = FaceQualityMeasure.Measure(new DetectedFace(box, 1f), five, chip) with { Score = null };
            return new PreparedPhoto(image.Width, image.Height, PhotoOutcome.FacesFound, "face chip (declared aligned)", [new PreparedFace(0, box, null, marks, five, quality, chip, CropPolicy.Full, IsChip: true)], []);
        }

        var detections = Detector.Detect(image).OrderByDescending(d => d.Box.Area).ToList();
        if (selection == FaceSelection.Central && detections.Count > 0 && !detections.Any(d => CoversCentre(d.Box, image)))
        {
            // Faces found, but none at the centre, where the subject is: the first look missed it (a face filling
            // much of the detector's input scores low) and found a face in the background. Look again on the canvas.
            var second = Detector.DetectOnCanvas(image);
            if (second.Any(d => CoversCentre(d.Box, image)))
            {
                detections = second.OrderByDescending(d => d.Box.Area).ToList();
            }
        }

        if (detections.Count == 0)
        {
            return new PreparedPhoto(image.Width, image.Height, PhotoOutcome.NoFace,
                $"no face found (detector confidence > {Detector.Options.MinConfidence:F2}, face size ≥ {Detector.Options.MinFaceSize:F0} px)", [], []);
        }

        var chosen = selection switch
        {
            FaceSelection.Every => detections,
            FaceSelection.Central => [detections.MinBy(d => Math.Pow(d.Box.CenterX - (image.Width / 2.0), 2) + Math.Pow(d.Box.CenterY - (image.Height / 2.0), 2))!],
            _ => [detections[0]],
        };
        var others = detections.Where(d => !chosen.Contains(d)).ToList();
        var landmarks = Landmarker!.Detect(image, chosen.Select(d => d.Box).ToList());
        var faces = new List<PreparedFace>(chosen.Count);
        for (var i = 0; i < chosen.Count; i++)
        {
            if (landmarks[i] is not { } marks)
            {
                continue;
            }

            var five = marks.FivePoints();
            var chip = FaceAligner.Warp(image, FaceAligner.TransformFor(five, Template!), Template!.Width, Template.Height);
            faces.Add(new PreparedFace(faces.Count, chosen[i].Box, chosen[i].Score, marks, five, FaceQualityMeasure.Measure(chosen[i], five, chip), chip, CropPolicy.Full));
        }

        return faces.Count == 0
            ? new PreparedPhoto(image.Width, image.Height, PhotoOutcome.NoFace, "faces found, but none could be landmarked (boxes outside the image)", [], others)
            : new PreparedPhoto(image.Width, image.Height, PhotoOutcome.FacesFound, $"{detections.Count} face(s) found", faces, others);
    }

    /// <summary>Writes <paramref name="face"/>'s model input (NCHW float32, 3 × height × width) as the recipe says.</summary>
    public void WriteInput(PreparedFace face, Span<float> tensor)
    {
        ArgumentNullException.ThrowIfNull(face);
        Preprocessor.ToTensor(face.Image, Recipe, face.Crop, tensor);
    }

    /// <summary>What the model is shown for <paramref name="face"/>, as an 8-bit image (for chips on a web page, drawings, checks).</summary>
    public RgbImage ModelView(PreparedFace face)
    {
        ArgumentNullException.ThrowIfNull(face);
        return ModelView(face.Image, face.Crop);
    }

    public void Dispose()
    {
        if (ownsDetection)
        {
            Detector?.Dispose();
            Landmarker?.Dispose();
        }
    }

    private RgbImage ModelView(RgbImage image, CropPolicy crop) => Preprocessor.CropAndResize(image, crop, Recipe.Width, Recipe.Height);

    private static LandmarkInputDrawing LandmarkDrawingOf(PreprocessingSpec recipe) =>
        recipe.LandmarkInput == PreprocessingSpec.CanvasLandmarkInput ? LandmarkInputDrawing.Canvas : LandmarkInputDrawing.TensorFlow;

    private static bool CoversCentre(FaceBox box, RgbImage image) => box.Contains(image.Width / 2.0, image.Height / 2.0);
}
