using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using FaceGrains.ClientCli.Gallery;
using FaceGrains.Grains.Interfaces;
using Spectre.Console;

namespace FaceGrains.ClientCli.Commands;

/// <summary><c>facegrains gallery list | show | forget | stats | export</c>.</summary>
public static class GalleryCommand
{
    public static Command Create()
    {
        var command = new Command("gallery", "The enrolled identities and the gallery's shards.");
        command.Subcommands.Add(List());
        command.Subcommands.Add(Show());
        command.Subcommands.Add(Forget());
        command.Subcommands.Add(Stats());
        command.Subcommands.Add(Export());
        return command;
    }

    private static Command List()
    {
        var limit = new Option<int>("--limit") { Description = $"Identities per page (1–{IdentityPageRequest.MaxLimit}).", DefaultValueFactory = _ => IdentityPageRequest.DefaultLimit };
        var after = new Option<string?>("--after") { Description = "The next_cursor a previous page printed." };
        var search = new Option<string?>("--search") { Description = "Only identities whose id or display name contains this text (case-insensitive)." };
        var command = new Command("list", "One page of identities in id order (as GET /identities): --limit, --after <cursor>, --search <text>.") { limit, after, search };
        command.SetAction(async (parse, _) =>
        {
            var output = new CommandOutput(parse.GetValue(CliOptions.Json));
            var request = new IdentityPageRequest(parse.GetValue(after), parse.GetValue(limit), parse.GetValue(search) is { Length: > 0 } text ? IdentityIds.NormalizeSearch(text) : null);
            if (request.Limit is < 1 or > IdentityPageRequest.MaxLimit)
            {
                throw new FormatException($"--limit must be from 1 to {IdentityPageRequest.MaxLimit} (got {request.Limit}).");
            }

            if (request.After is { } cursor && IdentityPageRequest.IdOfCursor(cursor) is null)
            {
                throw new FormatException($"--after must be the next_cursor of a previous page (got '{cursor}').");
            }

            await using var gallery = await GalleryConnection.OpenAsync(parse);
            var page = await gallery.Grains.GetGrain<IGalleryGrain>(0).ListIdentitiesAsync(request);
            output.Result(
                GalleryJson.ToNode(page)!.AsObject(),
                console =>
                {
                    var table = new Table().AddColumns("id", "display name", "faces", "updated (UTC)");
                    foreach (var i in page.Identities)
                    {
                        table.AddRow(Markup.Escape(i.Id), Markup.Escape(i.DisplayName), i.FaceCount.ToString(CultureInfo.InvariantCulture), i.UpdatedUtc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
                    }

                    console.Write(table);
                    console.MarkupLine(page.NextCursor is { } next
                        ? $"{page.Identities.Count} identities; next page: --after {Markup.Escape(next)}"
                        : $"{page.Identities.Count} identities (last page)");
                });
            return 0;
        });
        return command;
    }

    private static Command Show()
    {
        var id = new Argument<string>("id") { Description = "Identity id." };
        var command = new Command("show", "One identity and its faces.") { id };
        command.SetAction(async (parse, _) =>
        {
            var output = new CommandOutput(parse.GetValue(CliOptions.Json));
            var identity = IdentityArgument.Normalize(parse.GetValue(id)!);
            await using var gallery = await GalleryConnection.OpenAsync(parse);
            var view = await gallery.Grains.GetGrain<IIdentityGrain>(identity).GetAsync()
                ?? throw new InvalidOperationException($"no identity '{identity}' in the gallery.");
            output.Result(
                GalleryJson.ToNode(view)!.AsObject(),
                console =>
                {
                    console.MarkupLine($"[bold]{Markup.Escape(view.Id)}[/] ({Markup.Escape(view.DisplayName)}), {view.Faces.Count} faces, model versions: {Markup.Escape(string.Join(", ", view.ModelVersions.Select(v => v.Length > 12 ? v[..12] : v)))}");
                    var table = new Table().AddColumns("face id", "file", "size", "enrolled (UTC)");
                    foreach (var f in view.Faces)
                    {
                        table.AddRow(f.FaceId.Length > 16 ? f.FaceId[..16] : f.FaceId, Markup.Escape(f.FileName ?? ""), $"{f.Width}x{f.Height}, {f.SizeBytes} B",
                            f.EnrolledUtc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
                    }

                    console.Write(table);
                });
            return 0;
        });
        return command;
    }

    private static Command Forget()
    {
        var id = new Argument<string>("id") { Description = "Identity id." };
        var command = new Command("forget", "Remove every trace of an identity: faces, stored images, embeddings, shard rows.") { id };
        command.SetAction(async (parse, _) =>
        {
            var output = new CommandOutput(parse.GetValue(CliOptions.Json));
            var identity = IdentityArgument.Normalize(parse.GetValue(id)!);
            await using var gallery = await GalleryConnection.OpenAsync(parse);
            if (!await gallery.Grains.GetGrain<IIdentityGrain>(identity).ForgetAsync())
            {
                throw new InvalidOperationException($"no identity '{identity}' in the gallery; nothing was removed.");
            }

            output.Result(new JsonObject { ["forgotten"] = identity }, console => console.MarkupLine($"forgot {Markup.Escape(identity)}"));
            return 0;
        });
        return command;
    }

    private static Command Stats()
    {
        var command = new Command("stats", "Identities and rows per shard, where each shard runs, and the default threshold at the current size.");
        command.SetAction(async (parse, _) =>
        {
            var output = new CommandOutput(parse.GetValue(CliOptions.Json));
            await using var gallery = await GalleryConnection.OpenAsync(parse);
            var stats = await gallery.Grains.GetGrain<IGalleryGrain>(0).GetStatsAsync();
            var payload = GalleryJson.ToNode(stats)!.AsObject();
            payload["silos"] = stats.Shards.Select(s => s.Silo).Distinct().Count();
            output.Result(
                payload,
                console =>
                {
                    console.MarkupLine($"model {Markup.Escape(stats.ModelVersion.Length > 12 ? stats.ModelVersion[..12] : stats.ModelVersion)}: {stats.IdentityCount} identities, {stats.Rows} rows");
                    console.MarkupLine($"default threshold {stats.DefaultThreshold.Threshold:F4}: {Markup.Escape(stats.DefaultThreshold.Reason)}");
                    var table = new Table().AddColumns("shard", "identities", "rows", "silo");
                    foreach (var s in stats.Shards)
                    {
                        table.AddRow(s.Shard.ToString(CultureInfo.InvariantCulture), s.IdentityCount.ToString(CultureInfo.InvariantCulture), s.Rows.ToString(CultureInfo.InvariantCulture), Markup.Escape(s.Silo));
                    }

                    console.Write(table);
                });
            return 0;
        });
        return command;
    }

    private static Command Export()
    {
        var folder = new Argument<DirectoryInfo>("folder") { Description = "Where to write one folder per identity (created; must be empty if it exists)." };
        var command = new Command("export", "Write the gallery's stored face images, one folder per identity, as facegrains-train reads a data set (and export.json: folder → identity id, display name, faces; chips marked aligned).") { folder };
        command.SetAction(async (parse, _) =>
        {
            var output = new CommandOutput(parse.GetValue(CliOptions.Json));
            var root = parse.GetValue(folder)!;
            if (root.Exists && root.EnumerateFileSystemInfos().Any())
            {
                throw new InvalidOperationException($"{root.FullName} is not empty; export into a new or empty folder.");
            }

            root.Create();
            await using var gallery = await GalleryConnection.OpenAsync(parse);
            var identities = await gallery.Grains.GetGrain<IGalleryGrain>(0).ListIdentitiesAsync();
            var index = new JsonArray();
            int images = 0, withoutImage = 0;
            var folders = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var identity in identities)
            {
                var faces = await gallery.Grains.GetGrain<IIdentityGrain>(identity.Id).ExportFacesAsync();
                var name = FolderName(identity.Id, folders);
                var dir = Directory.CreateDirectory(Path.Combine(root.FullName, name));
                var written = new JsonArray();
                foreach (var (face, n) in faces.Select((f, n) => (f, n)))
                {
                    if (face.Image is null)
                    {
                        withoutImage++;
                        continue;
                    }

                    var file = $"{n + 1:D3}-{face.FaceId[..Math.Min(12, face.FaceId.Length)]}{Extension(face)}";
                    await File.WriteAllBytesAsync(Path.Combine(dir.FullName, file), face.Image);
                    written.Add(new JsonObject { ["file"] = file, ["face_id"] = face.FaceId, ["original_file"] = face.FileName, ["aligned"] = face.Aligned });
                    images++;
                }

                index.Add(new JsonObject { ["folder"] = name, ["id"] = identity.Id, ["display_name"] = identity.DisplayName, ["faces"] = written });
            }

            var payload = new JsonObject
            {
                ["folder"] = root.FullName, ["identities"] = identities.Count, ["images"] = images, ["faces_without_image"] = withoutImage, ["index"] = index,
            };
            await File.WriteAllTextAsync(Path.Combine(root.FullName, "export.json"), payload.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
            payload.Remove("index");
            output.Result(payload, console => console.MarkupLine(
                $"exported {images} images of {identities.Count} identities to {Markup.Escape(root.FullName)}" + (withoutImage > 0 ? $" ({withoutImage} faces enrolled as embeddings have no image)" : "")));
            return 0;
        });
        return command;
    }

    /// <summary>An identity id as a folder name: characters a file system refuses are %-escaped, and names that collide (case-insensitively) get a suffix.</summary>
    internal static string FolderName(string id, HashSet<string> taken)
    {
        var escaped = new System.Text.StringBuilder();
        foreach (var c in id)
        {
            escaped.Append(c is '/' or '\\' or ':' or '%' or '*' or '?' or '"' or '<' or '>' or '|' || char.IsControl(c) ? $"%{(int)c:X2}" : c.ToString());
        }

        var name = escaped.ToString() is "." or ".." ? escaped.ToString().Replace(".", "%2E", StringComparison.Ordinal) : escaped.ToString();
        var unique = name;
        for (var n = 2; !taken.Add(unique); n++)
        {
            unique = $"{name}~{n}";
        }

        return unique;
    }

    private static string Extension(StoredFace face)
    {
        var ext = Path.GetExtension(face.FileName ?? "").ToLowerInvariant();
        if (ext is ".jpg" or ".jpeg" or ".png" or ".webp" or ".bmp" or ".gif" or ".pgm")
        {
            return ext;
        }

        var b = face.Image!;
        return b.Length > 3 && b[0] == 0xFF && b[1] == 0xD8 ? ".jpg" : b.Length > 3 && b[0] == 0x89 && b[1] == 0x50 ? ".png" : ".img";
    }
}
