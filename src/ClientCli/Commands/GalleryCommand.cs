using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using FaceGrains.ClientCli.Gallery;
using FaceGrains.Grains.Interfaces;
using Spectre.Console;

namespace FaceGrains.ClientCli.Commands;

/// <summary><c>facegrains gallery list | show | forget | stats</c>.</summary>
public static class GalleryCommand
{
    public static Command Create()
    {
        var command = new Command("gallery", "The enrolled identities and the gallery's shards.");
        command.Subcommands.Add(List());
        command.Subcommands.Add(Show());
        command.Subcommands.Add(Forget());
        command.Subcommands.Add(Stats());
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "Every identity, ordered by id.");
        command.SetAction(async (parse, _) =>
        {
            var output = new CommandOutput(parse.GetValue(CliOptions.Json));
            await using var gallery = await GalleryConnection.OpenAsync(parse);
            var identities = await gallery.Grains.GetGrain<IGalleryGrain>(0).ListIdentitiesAsync();
            output.Result(
                new JsonObject
                {
                    ["count"] = identities.Count,
                    ["identities"] = new JsonArray(identities.Select(i => (JsonNode)new JsonObject
                    {
                        ["id"] = i.Id, ["display_name"] = i.DisplayName, ["faces"] = i.FaceCount, ["updated_utc"] = i.UpdatedUtc,
                    }).ToArray()),
                },
                console =>
                {
                    var table = new Table().AddColumns("id", "display name", "faces", "updated (UTC)");
                    foreach (var i in identities)
                    {
                        table.AddRow(Markup.Escape(i.Id), Markup.Escape(i.DisplayName), i.FaceCount.ToString(CultureInfo.InvariantCulture), i.UpdatedUtc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
                    }

                    console.Write(table);
                    console.MarkupLine($"{identities.Count} identities");
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
                new JsonObject
                {
                    ["id"] = view.Id,
                    ["display_name"] = view.DisplayName,
                    ["metadata"] = new JsonObject(view.Metadata.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
                    ["model_versions"] = new JsonArray(view.ModelVersions.Select(v => (JsonNode)v).ToArray()),
                    ["created_utc"] = view.CreatedUtc,
                    ["updated_utc"] = view.UpdatedUtc,
                    ["faces"] = new JsonArray(view.Faces.Select(f => (JsonNode)new JsonObject
                    {
                        ["face_id"] = f.FaceId, ["file"] = f.FileName, ["bytes"] = f.SizeBytes, ["width"] = f.Width, ["height"] = f.Height,
                        ["has_image"] = f.HasImage, ["enrolled_utc"] = f.EnrolledUtc,
                    }).ToArray()),
                },
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
            output.Result(
                new JsonObject
                {
                    ["model_version"] = stats.ModelVersion,
                    ["identities"] = stats.IdentityCount,
                    ["rows"] = stats.Rows,
                    ["threshold"] = stats.DefaultThreshold.Threshold,
                    ["threshold_reason"] = stats.DefaultThreshold.Reason,
                    ["silos"] = stats.Shards.Select(s => s.Silo).Distinct().Count(),
                    ["shards"] = new JsonArray(stats.Shards.Select(s => (JsonNode)new JsonObject
                    {
                        ["shard"] = s.Shard, ["identities"] = s.IdentityCount, ["rows"] = s.Rows, ["dimension"] = s.Dimension, ["silo"] = s.Silo,
                    }).ToArray()),
                },
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
}
