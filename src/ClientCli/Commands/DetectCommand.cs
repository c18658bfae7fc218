using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using FaceGrains.Recognition.Detection;
using FaceGrains.Recognition.Images;
using Spectre.Console;

namespace FaceGrains.ClientCli.Commands;

/// <summary><c>facegrains detect &lt;image&gt;</c>: every face in a photo with its box, score, landmarks and quality, as the model version's recipe prepares it.</summary>
public static class DetectCommand
{
    public static Command Create()
    {
        var image = new Argument<FileInfo>("image") { Description = "A photo (JPEG, PNG, GIF, BMP, WebP, PGM)." };
        var draw = new Option<string?>("--draw") { Description = "Write the photo with boxes, landmarks and face numbers to this PNG." };
        var chips = new Option<string?>("--chips") { Description = "Write what the model is shown of each face (the aligned chip) as <dir>/face-<n>.png." };
        var command = new Command("detect", "Find the faces in a photo: boxes, detector scores, 68 + 5 landmarks, quality (size, sharpness, pose) and whether each could be enrolled.")
        {
            image, draw, chips, CliOptions.Model, CliOptions.Threads, CliOptions.Detector,
        };
        command.SetAction(parse =>
        {
            var output = new CommandOutput(parse.GetValue(CliOptions.Json));
            var model = CliModels.Resolve(parse, output);
            if (model.Manifest.Preprocessing.FaceCropMode != Recognition.Preprocessing.FaceCropMode.Align)
            {
                throw new InvalidOperationException($"Model {model.ShortId} ({model.Manifest.Name}) does not detect faces (face_crop {model.Manifest.Preprocessing.FaceCrop}); choose a version that aligns with --model.");
            }

            var file = parse.GetValue(image)!;
            var decoded = ImageDecoder.DecodeFile(file.FullName);
            using var preparer = CliModels.Preparer(parse, model, output, parse.GetValue(CliOptions.Threads));
            var photo = preparer.Prepare(decoded, FaceSelection.Every);
            var drawPath = parse.GetValue(draw);
            if (drawPath is not null)
            {
                FaceDrawing.SavePng(decoded, photo.Faces, drawPath);
            }

            if (parse.GetValue(chips) is { } chipDir)
            {
                foreach (var f in photo.Faces)
                {
                    FaceDrawing.SavePng(preparer.ModelView(f), [], Path.Combine(chipDir, $"face-{f.Index}.png"));
                }
            }

            output.Result(ToJson(file.FullName, photo, preparer.Enrolment, drawPath), console => Render(console, file.Name, photo, preparer.Enrolment, drawPath));
            return 0;
        });
        return command;
    }

    /// <summary>The JSON of one photo's faces, shared by detect and embed.</summary>
    internal static JsonObject ToJson(string path, PreparedPhoto photo, EnrolmentThresholds enrolment, string? drawPath = null) => new()
    {
        ["image"] = path,
        ["width"] = photo.Width,
        ["height"] = photo.Height,
        ["outcome"] = Outcome(photo.Outcome),
        ["message"] = photo.Message,
        ["faces"] = new JsonArray(photo.Faces.Select(f => (JsonNode)FaceJson(f, enrolment)).ToArray()),
        ["drawn"] = drawPath,
    };

    internal static JsonObject FaceJson(PreparedFace f, EnrolmentThresholds enrolment)
    {
        var reasons = enrolment.Check(f.Quality);
        return new JsonObject
        {
            ["index"] = f.Index,
            ["box"] = new JsonObject { ["x"] = f.Box.X, ["y"] = f.Box.Y, ["width"] = f.Box.Width, ["height"] = f.Box.Height },
            ["score"] = f.DetectorScore,
            ["five_points"] = f.FivePoints is null ? null : Points(f.FivePoints),
            ["landmarks"] = f.Landmarks is null ? null : Points(f.Landmarks.Points),
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
            ["enrolment_rejections"] = new JsonArray(reasons.Select(r => (JsonNode)r.Message).ToArray()),
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

    private static void Render(IAnsiConsole console, string name, PreparedPhoto photo, EnrolmentThresholds enrolment, string? drawPath)
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
                    f.DetectorScore?.ToString("F3", CultureInfo.InvariantCulture) ?? "",
                    f.Quality.Size.ToString("F0", CultureInfo.InvariantCulture),
                    f.Quality.Sharpness.ToString("F0", CultureInfo.InvariantCulture),
                    string.Create(CultureInfo.InvariantCulture, $"{f.Quality.RollDegrees:F0} / {f.Quality.YawDegrees:F0} / {f.Quality.PitchDegrees:F0}"),
                    Markup.Escape(reasons.Count == 0 ? "yes" : string.Join("; ", reasons.Select(r => r.Message))));
            }

            console.Write(table);
        }

        if (drawPath is not null)
        {
            console.MarkupLine(Markup.Escape($"drawn: {drawPath}"));
        }
    }
}
