using System.CommandLine;
using System.Text.Json.Nodes;
using FaceGrains.Recognition.Detection;
using FaceGrains.Recognition.Embedding;
using FaceGrains.Recognition.Images;
using Spectre.Console;

namespace FaceGrains.ClientCli.Commands;

/// <summary>
/// <c>facegrains embed &lt;image&gt;</c>: the image's largest face, prepared exactly as the silo enrols it (the model
/// version's recipe), and its embedding.
/// </summary>
public static class EmbedCommand
{
    public static Command Create()
    {
        var image = new Argument<FileInfo>("image") { Description = "A photo or, with --aligned, a face chip (JPEG, PNG, GIF, BMP, WebP, PGM)." };
        var command = new Command("embed", "Embed the largest face of an image as the gallery would: 'embedding' is L2-normalised (what the gallery uses), 'raw' is the model's own output; the other faces are listed.")
        {
            image, CliOptions.Model, CliOptions.Aligned, CliOptions.Threads, CliOptions.Provider, CliOptions.Detector,
        };
        command.SetAction(parse =>
        {
            var output = new CommandOutput(parse.GetValue(CliOptions.Json));
            var model = CliModels.Resolve(parse, output);
            var file = parse.GetValue(image)!;
            var decoded = ImageDecoder.DecodeFile(file.FullName);
            using var embedder = new FaceEmbedder(model, CliOptions.EmbedderOptions(parse));
            using var preparer = CliModels.Preparer(parse, model, output, parse.GetValue(CliOptions.Threads));
            var photo = preparer.Prepare(decoded, FaceSelection.Largest, parse.GetValue(CliOptions.Aligned));
            var payload = DetectCommand.ToJson(file.FullName, photo, preparer.Enrolment);
            payload["model"] = model.Id;
            payload["recipe"] = model.Manifest.Preprocessing.Describe();
            payload["other_faces"] = photo.Others.Count;
            if (!photo.HasFaces)
            {
                output.Result(payload, console => console.MarkupLine(Markup.Escape($"{file.Name}: {decoded.Width}x{decoded.Height}, {DetectCommand.Outcome(photo.Outcome)}: {photo.Message}")));
                return CliErrors.UserError;
            }

            var face = photo.Faces[0];
            var embedding = embedder.Embed([face])[0];
            var rawNorm = Math.Sqrt(embedding.Raw.Sum(v => (double)v * v));
            payload["raw_norm"] = rawNorm;
            payload["embedding"] = new JsonArray(embedding.Normalized.Select(v => (JsonNode)v).ToArray());
            payload["raw"] = new JsonArray(embedding.Raw.Select(v => (JsonNode)v).ToArray());
            output.Result(payload, console =>
            {
                var where = face.IsChip
                    ? "the whole image as a face chip"
                    : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"face at {face.Box.X:F0},{face.Box.Y:F0} {face.Box.Width:F0}x{face.Box.Height:F0} (score {face.DetectorScore:F3}), {photo.Others.Count} other face(s)");
                console.MarkupLine(Markup.Escape($"{file.Name}: {decoded.Width}x{decoded.Height}, model {model.ShortId}, {where}; {embedding.Normalized.Length}-d, raw norm {rawNorm:F4}"));
                console.MarkupLine(Markup.Escape("embedding: " + string.Join(' ', embedding.Normalized.Select(v => v.ToString("F4", System.Globalization.CultureInfo.InvariantCulture)))));
            });
            return 0;
        });
        return command;
    }
}
