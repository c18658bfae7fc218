using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using FaceGrains.Recognition.Detection;
using FaceGrains.Recognition.Images;
using Spectre.Console;

namespace FaceGrains.ClientCli.Commands;

/// <summary><c>facegrains detect &lt;image&gt;</c>: every face in a photo with its box, score, landmarks and quality.</summary>
public static class DetectCommand
{
    public static Command Create()
    {
        var image = new Argument<FileInfo>("image") { Description = "A photo (JPEG, PNG, GIF, BMP, WebP, PGM)." };
        var draw = new Option<string?>("--draw") { Description = "Write the photo with boxes, landmarks and face numbers to this PNG." };
        var chips = new Option<string?>("--chips") { Description = "Write each face's aligned chip (what the model is shown) as <dir>/face-<n>.png." };
        var command = new Command("detect", "Find the faces in a photo: boxes, detector scores, 68 + 5 landmarks, quality (size, sharpness, pose) and whether each could be enrolled.")
        {
            image, draw, chips, CliOptions.Model, FaceCropChoice.MinConfidence, FaceCropChoice.MinFaceSize, CliOptions.Threads,
        };
        command.SetAction(parse =>
        {
            var output = new CommandOutput(parse.GetValue(CliOptions.Json));
            var model = CliModels.Resolve(parse, output);
            var file = parse.GetValue(image)!;
            var decoded = ImageDecoder.DecodeFile(file.FullName);
            var (pipeline, detector, landmarker) = FaceCropChoice.Open(parse, null, FaceCropChoice.TemplateOf(model), output, parse.GetValue(CliOptions.Threads));
            using (detector)
            using (landmarker)
            {
                var photo = pipeline.Analyze(decoded, embed: false);
                var drawPath = parse.GetValue(draw);
                if (drawPath is not null)
                {
                    FaceDrawing.SavePng(decoded, photo.Faces, drawPath);
                }

                if (parse.GetValue(chips) is { } chipDir)
                {
                    foreach (var f in photo.Faces)
                    {
                        FaceDrawing.SavePng(f.AlignedChip, [], Path.Combine(chipDir, $"face-{f.Index}.png"));
                    }
                }

                output.Result(ToJson(file.FullName, photo, pipeline.Enrolment, drawPath), console => Render(console, file.Name, photo, pipeline.Enrolment, drawPath));
            }

            return 0;
        });
        return command;
    }

    /// <summary>The JSON of one photo's faces, shared by detect and embed.</summary>
    internal static JsonObject ToJson(string path, PhotoFaces photo, EnrolmentThresholds enrolment, string? drawPath = null) => new()
    {
        ["image"] = path,
        ["width"] = photo.Width,
        ["height"] = photo.Height,
        ["outcome"] = Outcome(photo.Outcome),
        ["message"] = photo.Message,
        ["faces"] = new JsonArray(photo.Faces.Select(f => (JsonNode)FaceJson(f, enrolment)).ToArray()),
        ["drawn"] = drawPath,
    };

    internal static JsonObject FaceJson(FaceObservation f, EnrolmentThresholds enrolment)
    {
        var reasons = enrolment.Check(f.Quality);
        return new JsonObject
        {
            ["index"] = f.Index,
            ["box"] = new JsonObject { ["x"] = f.Box.X, ["y"] = f.Box.Y, ["width"] = f.Box.Width, ["height"] = f.Box.Height },
            ["score"] = f.Detection.Score,
            ["five_points"] = Points(f.FivePoints),
            ["landmarks"] = Points(f.Landmarks.Points),
            ["quality"] = new JsonObject
            {
                ["size_px"] = f.Quality.Size,
                ["score"] = f.Quality.Score,
                ["sharpness"] = f.Quality.Sharpness,
                ["roll_deg"] = f.Quality.RollDegrees,
                ["yaw_deg"] = f.Quality.YawDegrees,
                ["pitch_deg"] = f.Quality.PitchDegrees,
            },
            ["enrollable"] = reasons.Count == 0,
            ["enrolment_rejections"] = new JsonArray(reasons.Select(r => (JsonNode)r).ToArray()),
        };
    }

    internal static string Outcome(PhotoOutcome outcome) => outcome switch
    {
        PhotoOutcome.FacesFound => "faces_found",
        PhotoOutcome.NoFace => "no_face",
        PhotoOutcome.ImageTooSmall => "image_too_small",
        _ => outcome.ToString(),
    };

    private static JsonArray Points(IEnumerable<FacePoint> points) =>
        new(points.Select(p => (JsonNode)new JsonArray(p.X, p.Y)).ToArray());

    private static void Render(IAnsiConsole console, string name, PhotoFaces photo, EnrolmentThresholds enrolment, string? drawPath)
    {
        console.MarkupLine(Markup.Escape($"{name}: {photo.Width}x{photo.Height}, {Outcome(photo.Outcome)}: {photo.Message}"));
        if (photo.HasFaces)
        {
            var table = new Table().AddColumns("#", "box (x, y, w, h)", "score", "size px", "sharpness", "roll/yaw/pitch °", "enrol");
            foreach (var f in photo.Faces)
            {
                var reasons = enrolment.Check(f.Quality);
                table.AddRow(
                    f.Index.ToString(CultureInfo.InvariantCulture),
                    string.Create(CultureInfo.InvariantCulture, $"{f.Box.X:F0}, {f.Box.Y:F0}, {f.Box.Width:F0}, {f.Box.Height:F0}"),
                    f.Detection.Score.ToString("F3", CultureInfo.InvariantCulture),
                    f.Quality.Size.ToString("F0", CultureInfo.InvariantCulture),
                    f.Quality.Sharpness.ToString("F0", CultureInfo.InvariantCulture),
                    string.Create(CultureInfo.InvariantCulture, $"{f.Quality.RollDegrees:F0} / {f.Quality.YawDegrees:F0} / {f.Quality.PitchDegrees:F0}"),
                    Markup.Escape(reasons.Count == 0 ? "yes" : string.Join("; ", reasons)));
            }

            console.Write(table);
        }

        if (drawPath is not null)
        {
            console.MarkupLine(Markup.Escape($"drawn: {drawPath}"));
        }
    }
}
