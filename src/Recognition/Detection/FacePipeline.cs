using FaceGrains.Recognition.Embedding;
using FaceGrains.Recognition.Images;
using FaceGrains.Recognition.Importers;
using FaceGrains.Recognition.Preprocessing;

namespace FaceGrains.Recognition.Detection;

/// <summary>
/// Photos to faces: detect → 68 landmarks → five points → similarity warp onto the model's template → quality →
/// (optionally) embedding. Enrolment takes the largest face and reports the others; identification answers
/// every face. A photo without a face is an explicit <see cref="PhotoOutcome"/>, never a silent fixed crop.
/// Thread-safe; it does not own the detector, landmarker or embedder.
/// </summary>
public sealed class FacePipeline
{
    public FacePipeline(FaceDetector detector, FaceLandmarker landmarker, FaceTemplate template, FaceEmbedder? embedder = null, EnrolmentThresholds? enrolment = null)
    {
        ArgumentNullException.ThrowIfNull(detector);
        ArgumentNullException.ThrowIfNull(landmarker);
        ArgumentNullException.ThrowIfNull(template);
        template.Validate();
        Detector = detector;
        Landmarker = landmarker;
        Template = template;
        Embedder = embedder;
        Enrolment = enrolment ?? new EnrolmentThresholds();
    }

    public FaceDetector Detector { get; }

    public FaceLandmarker Landmarker { get; }

    public FaceTemplate Template { get; }

    public FaceEmbedder? Embedder { get; }

    public EnrolmentThresholds Enrolment { get; }

    /// <summary>The template a model version declares; an error naming the model when it has none.</summary>
    public static FaceTemplate TemplateOf(FaceEmbedder embedder)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        return embedder.Manifest.Preprocessing.AlignTemplate
            ?? throw new InvalidOperationException($"Model '{embedder.Manifest.Name}' ({embedder.Version.ShortId}) declares no align_template, so it cannot take aligned faces.");
    }

    /// <summary>Loads (importing on first use) the face-api detector and landmark net from <paramref name="home"/>.</summary>
    public static (FaceDetector Detector, FaceLandmarker Landmarker) LoadDetection(FaceGrainsHome home, FaceDetectorOptions? options = null, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(home);
        var (detector, landmarks) = FaceApiDetectionImporter.EnsureImported(DetectionModelStore.In(home), home.CacheDirectory, log);
        var detectorRunner = new FaceDetector(detector, options);
        try
        {
            return (detectorRunner, new FaceLandmarker(landmarks, options?.IntraOpNumThreads ?? 0, options?.LandmarkInput ?? LandmarkInputDrawing.TensorFlow));
        }
        catch
        {
            detectorRunner.Dispose();
            throw;
        }
    }

    /// <summary>Every face of the photo, largest first, each aligned and measured; embedded too when <paramref name="embed"/> and an embedder is set.</summary>
    public PhotoFaces Analyze(RgbImage image, bool embed = true)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (Math.Min(image.Width, image.Height) < Detector.Options.MinFaceSize)
        {
            return new PhotoFaces(image.Width, image.Height, PhotoOutcome.ImageTooSmall,
                $"image is {image.Width}x{image.Height}: its shorter side is below the {Detector.Options.MinFaceSize:F0} px minimum face size", []);
        }

        var detections = Detector.Detect(image).OrderByDescending(d => d.Box.Area).ToList();
        if (detections.Count == 0)
        {
            return new PhotoFaces(image.Width, image.Height, PhotoOutcome.NoFace,
                $"no face found (detector confidence > {Detector.Options.MinConfidence:F2}, face size ≥ {Detector.Options.MinFaceSize:F0} px)", []);
        }

        var landmarks = Landmarker.Detect(image, detections.Select(d => d.Box).ToList());
        var faces = new List<FaceObservation>(detections.Count);
        for (var i = 0; i < detections.Count; i++)
        {
            if (landmarks[i] is not { } marks)
            {
                continue;
            }

            var five = marks.FivePoints();
            var transform = FaceAligner.TransformFor(five, Template);
            var chip = FaceAligner.Warp(image, transform, Template.Width, Template.Height);
            faces.Add(new FaceObservation(faces.Count, detections[i], marks, five, transform, chip, FaceQualityMeasure.Measure(detections[i], five, chip)));
        }

        if (embed && Embedder is not null && faces.Count > 0)
        {
            var embeddings = Embedder.Embed(faces.Select(f => f.AlignedChip).ToList(), CropPolicy.Full);
            faces = faces.Select((f, i) => f with { Embedding = embeddings[i] }).ToList();
        }

        return new PhotoFaces(image.Width, image.Height, PhotoOutcome.FacesFound, $"{faces.Count} face(s) found", faces);
    }

    /// <summary>
    /// The face to enrol from this photo (the largest), the others, and every reason it may not be enrolled.
    /// With <paramref name="fallbackToFixedCrop"/> (the manifest's "auto" policy, when the caller knows its images
    /// may be face chips already), a photo without a face is embedded whole with the model's fixed crop instead.
    /// </summary>
    public EnrolmentFace ForEnrolment(RgbImage image, bool fallbackToFixedCrop = false)
    {
        var photo = Analyze(image);
        if (!photo.HasFaces)
        {
            if (fallbackToFixedCrop && Embedder is not null && photo.Outcome == PhotoOutcome.NoFace)
            {
                var whole = Embedder.Embed([image], Embedder.Manifest.Preprocessing.Crop)[0];
                return new EnrolmentFace(photo, null, [], []) { Embedding = whole, UsedFixedCrop = true };
            }

            return new EnrolmentFace(photo, null, [], [photo.Message]);
        }

        var face = photo.Faces[0];
        return new EnrolmentFace(photo, face, photo.Faces.Skip(1).ToList(), Enrolment.Check(face.Quality)) { Embedding = face.Embedding };
    }

    /// <summary>Every face of a probe photo with its embedding (each is searched); none is an explicit outcome.</summary>
    public PhotoFaces ForIdentification(RgbImage image) => Analyze(image);

    private static bool CoversCentre(FaceBox box, RgbImage image) => box.Contains(image.Width / 2.0, image.Height / 2.0);

    /// <summary>
    /// The aligned chip of one face chosen by <paramref name="selection"/>, or null when the photo has none: what the
    /// evaluation protocols feed the embedder in place of a fixed crop. No embedding, no quality gate.
    /// </summary>
    public RgbImage? AlignOne(RgbImage image, FaceSelection selection)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (Math.Min(image.Width, image.Height) < Detector.Options.MinFaceSize)
        {
            return null;
        }

        var detections = Detector.Detect(image);
        if (detections.Count == 0)
        {
            return null;
        }

        if (selection == FaceSelection.Central && !detections.Any(d => CoversCentre(d.Box, image)))
        {
            // Faces found, but none at the centre, where the subject is: the first look missed it (a face filling
            // much of the detector's input scores low) and found a face in the background. Look again on the canvas.
            var second = Detector.DetectOnCanvas(image);
            if (second.Any(d => CoversCentre(d.Box, image)))
            {
                detections = second;
            }
        }

        var chosen = selection == FaceSelection.Largest
            ? detections.MaxBy(d => d.Box.Area)!
            : detections.MinBy(d => Math.Pow(d.Box.CenterX - (image.Width / 2.0), 2) + Math.Pow(d.Box.CenterY - (image.Height / 2.0), 2))!;
        var marks = Landmarker.Detect(image, [chosen.Box])[0];
        return marks is null ? null : FaceAligner.Align(image, marks.FivePoints(), Template);
    }
}
