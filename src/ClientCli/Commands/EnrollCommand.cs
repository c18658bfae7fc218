using System.CommandLine;
using FaceGrains.ClientCli.Gallery;
using FaceGrains.Grains.Interfaces;
using Spectre.Console;

namespace FaceGrains.ClientCli.Commands;

/// <summary><c>facegrains enroll &lt;id&gt; &lt;images…&gt;</c>: enrol images under one identity through the silo.</summary>
public static class EnrollCommand
{
    public static Command Create()
    {
        var id = new Argument<string>("id") { Description = "Identity id." };
        var images = new Argument<string[]>("images") { Description = "Image files (or folders of them).", Arity = ArgumentArity.OneOrMore };
        var displayName = new Option<string?>("--display-name") { Description = "Display name to set (a new identity defaults to its id)." };
        var command = new Command("enroll", "Enrol photos under an identity: the largest face of each, detected, quality-checked and aligned (one result per image; re-enrolling the same bytes is a no-op).")
        {
            id, images, displayName, CliOptions.Aligned,
        };
        command.SetAction(async (parse, _) =>
        {
            var output = new CommandOutput(parse.GetValue(CliOptions.Json));
            var identity = IdentityArgument.Normalize(parse.GetValue(id)!);
            var files = ImageFiles.Expand(parse.GetValue(images)!);
            await using var gallery = await GalleryConnection.OpenAsync(parse);
            var result = await gallery.Grains.GetGrain<IIdentityGrain>(identity)
                .EnrollAsync(new EnrollRequest(files.Select(ImageFiles.Read).ToList(), parse.GetValue(displayName), Aligned: parse.GetValue(CliOptions.Aligned)));
            var payload = GalleryJson.ToNode(result)!.AsObject();
            output.Result(
                payload,
                console =>
                {
                    var table = new Table().AddColumns("file", "status", "message");
                    foreach (var f in result.Faces)
                    {
                        var colour = f.IsEnrolled ? "green" : "red";
                        table.AddRow(Markup.Escape(f.FileName ?? ""), $"[{colour}]{GalleryJson.ToNode(f.Status)}[/]", Markup.Escape(f.Message));
                    }

                    console.Write(table);
                    console.MarkupLine($"{Markup.Escape(identity)}: {result.Identity?.Faces.Count ?? 0} faces enrolled");
                });
            return result.Faces.Any(f => f.IsEnrolled) ? 0 : CliErrors.UserError;
        });
        return command;
    }
}
