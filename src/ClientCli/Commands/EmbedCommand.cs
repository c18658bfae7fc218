using System.CommandLine;
using System.Text.Json.Nodes;
using FaceGrains.Recognition.Detection;
using FaceGrains.Recognition.Embedding;
using FaceGrains.Recognition.Images;
using FaceGrains.Recognition.Preprocessing;
using Spectre.Console;

namespace FaceGrains.ClientCli.Commands;

/// <summary><c>facegrains embed &lt;image&gt;</c>: one face image → its embedding.</summary>
public static class EmbedCommand
{
    public static Command Create()
    {
        var image = new Argument<FileInfo>("image") { Description = "A face image (JPEG, PNG, GIF, BMP, WebP, PGM)." };
        var command = new Command("embed", "Embed one face image: 'embedding' is L2-normalised (what the gallery uses), 'raw' is the model's own output.")
        {
            image, CliOptions.Model, CliOptions.Crop, CliOptions.Threads, CliOptions.Provider, CliOptions.FlipAverage, FaceCropChoice.MinConfidence, FaceCropChoice.MinFaceSize,
        };
        command.SetAction(parse =>
        {
            var output = new CommandOutput(parse.GetValue(CliOptions.Json));
            var model = CliModels.Resolve(parse, output);
            var file = parse.GetValue(image)!;
            var decoded = ImageDecoder.DecodeFile(file.FullName);
            using var embedder = new FaceEmbedder(model, CliOptions.EmbedderOptions(parse));
            if (FaceCropChoice.Requested(parse) is { } mode)
            {
                return EmbedAligned(parse, output, embedder, decoded, file, mode);
            }

            var crop = CliOptions.ResolveCrop(parse, model);
            var embedding = embedder.Embed([decoded], crop)[0];
            var rawNorm = Math.Sqrt(embedding.Raw.Sum(v => (double)v * v));
            output.Result(
                new JsonObject
                {
                    ["image"] = file.FullName,
                    ["model"] = model.Id,
                    ["crop"] = crop.ToString(),
                    ["width"] = decoded.Width,
                    ["height"] = decoded.Height,
                    ["raw_norm"] = rawNorm,
                    ["embedding"] = new JsonArray(embedding.Normalized.Select(v => (JsonNode)v).ToArray()),
                    ["raw"] = new JsonArray(embedding.Raw.Select(v => (JsonNode)v).ToArray()),
                },
                console =>
                {
                    console.MarkupLine(Markup.Escape($"{file.Name}: {decoded.Width}x{decoded.Height}, model {model.ShortId}, {embedding.Normalized.Length}-d, raw norm {rawNorm:F4}"));
                    console.MarkupLine(Markup.Escape("embedding: " + string.Join(' ', embedding.Normalized.Select(v => v.ToString("F4", System.Globalization.CultureInfo.InvariantCulture)))));
                });
            return 0;
        });
        return command;
    }

    /// <summary>
    /// --crop align|auto: the largest face of the photo, aligned and embedded, with the other faces reported. A photo
    /// without a face is answered as such ("align"), or embedded with the manifest's fixed crop ("auto").
    /// </summary>
    private static int EmbedAligned(ParseResult parse, CommandOutput output, FaceEmbedder embedder, RgbImage decoded, FileInfo file, string mode)
    {
        var (pipeline, detector, landmarker) = FaceCropChoice.Open(parse, embedder, FaceCropChoice.TemplateOf(embedder.Version), output, parse.GetValue(CliOptions.Threads));
        using (detector)
        using (landmarker)
        {
            var enrolment = pipeline.ForEnrolment(decoded);
            var payload = DetectCommand.ToJson(file.FullName, enrolment.Photo, pipeline.Enrolment);
            payload["model"] = embedder.Version.Id;
            payload["crop"] = mode;
            FaceEmbedding? embedding = enrolment.Face?.Embedding;
            if (embedding is null && mode == FaceCropChoice.Auto)
            {
                embedding = embedder.Embed([decoded], embedder.Manifest.Preprocessing.Crop)[0];
                payload["crop"] = $"auto: no face, fixed crop {embedder.Manifest.Preprocessing.Crop}";
            }

            payload["face"] = enrolment.Face?.Index;
            payload["other_faces"] = enrolment.Others.Count;
            payload["embedding"] = embedding is null ? null : new JsonArray(embedding.Normalized.Select(v => (JsonNode)v).ToArray());
            payload["raw"] = embedding is null ? null : new JsonArray(embedding.Raw.Select(v => (JsonNode)v).ToArray());
            output.Result(payload, console =>
            {
                console.MarkupLine(Markup.Escape($"{file.Name}: {decoded.Width}x{decoded.Height}, {payload["crop"]}, {DetectCommand.Outcome(enrolment.Photo.Outcome)}: {enrolment.Photo.Message}"));
                if (enrolment.Face is { } face)
                {
                    console.MarkupLine(Markup.Escape(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"face {face.Index} (largest): box {face.Box.X:F0},{face.Box.Y:F0} {face.Box.Width:F0}x{face.Box.Height:F0}, score {face.Detection.Score:F3}; {enrolment.Others.Count} other face(s)")));
                }

                if (embedding is not null)
                {
                    console.MarkupLine(Markup.Escape("embedding: " + string.Join(' ', embedding.Normalized.Select(v => v.ToString("F4", System.Globalization.CultureInfo.InvariantCulture)))));
                }
            });
            return 0;
        }
    }
}
