using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using FaceGrains.ClientCli.Gallery;
using FaceGrains.Grains;
using FaceGrains.Grains.Interfaces;
using FaceGrains.Recognition.Datasets;
using FaceGrains.Recognition.Embedding;
using FaceGrains.Recognition.Evaluation;
using FaceGrains.Recognition.Protocols;
using Spectre.Console;

namespace FaceGrains.ClientCli.Commands;

/// <summary>
/// <c>facegrains models status | activate | rollback | retire | cancel</c>: the running cluster's model versions and the
/// hot swap, each a call to the cluster's model registry.
/// </summary>
public static class ModelSwapCommands
{
    public static IEnumerable<Command> Create() => [Status(), Activate(), Rollback(), Retire(), Cancel()];

    private static Command Status()
    {
        var command = new Command("status", "The running cluster's model versions (active, candidate, previous, retired, available) and the migration under way or last run.");
        command.SetAction(async (parse, _) =>
        {
            var output = new CommandOutput(parse.GetValue(CliOptions.Json));
            await using var gallery = await GalleryConnection.OpenAsync(parse);
            var overview = await Registry(gallery).ListAsync();
            output.Result(GalleryJson.ToNode(overview)!.AsObject(), console =>
            {
                var table = new Table().AddColumns("id", "state", "name", "embedding", "recipe", "calibrated", "last gate");
                foreach (var v in overview.Versions)
                {
                    table.AddRow(Short(v.Id), v.State.ToString().ToLowerInvariant(), Markup.Escape(v.Name), v.EmbeddingSize.ToString(CultureInfo.InvariantCulture),
                        Markup.Escape(v.Recipe), v.Calibrated ? "yes" : "no", v.Gate is null ? "" : Markup.Escape(GateLine(v.Gate)));
                }

                console.Write(table);
                if (overview.Migration is { } m)
                {
                    console.MarkupLine(Markup.Escape(MigrationLine(m)));
                }
            });
            return 0;
        });
        return command;
    }

    private static Command Activate()
    {
        var id = new Argument<string>("id") { Description = "Model version id (or unique prefix) in the cluster's model store." };
        var force = new Option<bool>("--force") { Description = "Flip even if the gate finds the candidate worse (the figures are still measured and kept)." };
        var wait = new Option<bool>("--wait") { Description = "Follow the migration with a progress bar until it flips, is refused or fails (exit code 1 unless it flips)." };
        var gateData = new Option<DirectoryInfo?>("--gate-data")
        {
            Description = "Folder-per-person labelled set to gate on as well: both versions are evaluated on it here (open-set split K=3, M=5, 25 % unknown, seed 1) before the migration starts.",
        };
        var command = new Command("activate", "Swap the running cluster to a model version: re-embed every identity in the background, gate against the active version, flip. Queries keep being answered by the active version until the flip.")
        {
            id, force, wait, gateData, CliOptions.Threads,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = new CommandOutput(parse.GetValue(CliOptions.Json));
            await using var gallery = await GalleryConnection.OpenAsync(parse);
            var registry = Registry(gallery);
            GateFigures? folderActive = null, folderCandidate = null;
            if (parse.GetValue(gateData) is { } folder)
            {
                var active = (await registry.GetAsync()).ActiveVersion;
                (folderActive, folderCandidate) = (FolderFigures(parse, output, active, folder), FolderFigures(parse, output, parse.GetValue(id)!, folder));
            }

            var view = await registry.ActivateAsync(new ActivateRequest(parse.GetValue(id)!, parse.GetValue(force), folderActive, folderCandidate));
            output.Log($"migration from {Short(view.ActiveVersion)} to {Short(view.CandidateVersion ?? "")} started");
            if (!parse.GetValue(wait))
            {
                output.Result(GalleryJson.ToNode(view)!.AsObject(), console => console.MarkupLine(
                    $"Migrating to {Short(view.CandidateVersion ?? "")} in the background; follow it with [bold]facegrains models status[/] (or GET /models/migration)."));
                return 0;
            }

            var final = await FollowAsync(registry, output, view.CandidateVersion!, cancellationToken);
            var gate = final.Gates?.GetValueOrDefault(final.Migration!.To);
            output.Result(
                new JsonObject
                {
                    ["migration"] = GalleryJson.ToNode(final.Migration),
                    ["gate"] = GalleryJson.ToNode(gate),
                    ["active_version"] = final.ActiveVersion,
                    ["previous_version"] = final.PreviousVersion,
                },
                console =>
                {
                    console.MarkupLine(Markup.Escape(MigrationLine(final.Migration!)));
                    if (gate is not null)
                    {
                        console.MarkupLine(Markup.Escape(GateLine(gate)));
                    }
                });
            return final.Migration!.Phase == MigrationPhase.Flipped ? 0 : 1;
        });
        return command;
    }

    private static Command Rollback()
    {
        var command = new Command("rollback", "Flip the running cluster back to the previous model version at once.");
        command.SetAction(async (parse, _) =>
        {
            var output = new CommandOutput(parse.GetValue(CliOptions.Json));
            await using var gallery = await GalleryConnection.OpenAsync(parse);
            var view = await Registry(gallery).RollbackAsync();
            output.Result(GalleryJson.ToNode(view)!.AsObject(), console => console.MarkupLine($"{Short(view.ActiveVersion)} is active again; {Short(view.PreviousVersion ?? "")} kept as previous."));
            return 0;
        });
        return command;
    }

    private static Command Retire()
    {
        var id = new Argument<string>("id") { Description = "Model version id (or unique prefix)." };
        var command = new Command("retire", "Drop a model version's shards, embeddings and gallery calibration from the running cluster (refused for the active version).") { id };
        command.SetAction(async (parse, _) =>
        {
            var output = new CommandOutput(parse.GetValue(CliOptions.Json));
            await using var gallery = await GalleryConnection.OpenAsync(parse);
            var view = await Registry(gallery).RetireAsync(parse.GetValue(id)!);
            output.Result(GalleryJson.ToNode(view)!.AsObject(), console => console.MarkupLine($"retired {Markup.Escape(parse.GetValue(id)!)}; its data is dropped in the background."));
            return 0;
        });
        return command;
    }

    private static Command Cancel()
    {
        var command = new Command("cancel", "Stop the running migration; the active version stays.");
        command.SetAction(async (parse, _) =>
        {
            var output = new CommandOutput(parse.GetValue(CliOptions.Json));
            await using var gallery = await GalleryConnection.OpenAsync(parse);
            var view = await Registry(gallery).CancelMigrationAsync();
            output.Result(GalleryJson.ToNode(view)!.AsObject(), console => console.MarkupLine("migration cancelled; the active version is unchanged."));
            return 0;
        });
        return command;
    }

    /// <summary>Polls the registry until the migration to <paramref name="candidate"/> ends, with a progress bar on stderr.</summary>
    public static async Task<ModelRegistryView> FollowAsync(IModelRegistryGrain registry, CommandOutput output, string candidate, CancellationToken cancellationToken)
    {
        ModelRegistryView view = await registry.GetAsync();
        await output.WithProgressAsync($"migrating to {Short(candidate)}", async progress =>
        {
            while (true)
            {
                view = await SwapBenchCommand.Retrying(registry.GetAsync);
                var m = view.Migration;
                if (m is null || m.To != candidate)
                {
                    throw new InvalidOperationException($"The migration to {Short(candidate)} is no longer the cluster's migration.");
                }

                progress(m.Done, Math.Max(m.Total, m.Done));
                if (m.Phase is MigrationPhase.Flipped or MigrationPhase.Refused or MigrationPhase.Failed)
                {
                    return;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
            }
        });
        return view;
    }

    /// <summary>One version evaluated here on a labelled folder, as the gate compares versions: rank-1 and FNIR at the default threshold.</summary>
    private static GateFigures FolderFigures(ParseResult parse, CommandOutput output, string versionId, DirectoryInfo folder)
    {
        var model = CliModels.Store(parse).Get(versionId);
        var split = OpenSetSplit.Create(FolderDataset.Open(folder.FullName, 5), 3, 0.25, 1);
        using var embedder = new FaceEmbedder(model, new EmbedderOptions { IntraOpNumThreads = parse.GetValue(CliOptions.Threads) });
        using var preparer = CliModels.Preparer(parse, model, output, intraOpThreads: 1);
        var report = output.WithProgress($"gate data, {model.ShortId}", progress => OpenSetProtocol.Run(embedder, preparer, split, aligned: false, progress));
        return OperatingPointStudy.GateFigures(report, model, new GalleryOptions().DefaultTargetFpir);
    }

    public static string MigrationLine(MigrationStatus m) =>
        $"migration {Short(m.From)} → {Short(m.To)}: {m.Phase.ToString().ToLowerInvariant()}, {m.Done}/{m.Total} identities ({m.Reembedded} re-embedded, {m.FailureCount} failed)"
        + (m.EtaSeconds is { } eta ? $", about {eta:F0} s to go" : "") + $"; {m.Message}"
        + string.Concat(m.Failures.Take(5).Select(f => $"\n  {f.IdentityId}: {f.Reason}"));

    public static string GateLine(GateResult g) =>
        $"gate {(g.Passed ? "passed" : g.Forced ? "forced" : "refused")} on {g.Searches} held-out faces: rank-1 {g.Candidate.Rank1:P2} vs {g.Active.Rank1:P2}, "
        + $"FNIR {g.Candidate.FnirAtTarget:P2} vs {g.Active.FnirAtTarget:P2} (candidate vs active; thresholds {g.Candidate.Threshold:F4} {g.Candidate.ThresholdSource.ToString().ToLowerInvariant()}, "
        + $"{g.Active.Threshold:F4} {g.Active.ThresholdSource.ToString().ToLowerInvariant()})"
        + (g.FolderCandidate is { } fc && g.FolderActive is { } fa ? $"; gate data rank-1 {fc.Rank1:P2} vs {fa.Rank1:P2}, FNIR {fc.FnirAtTarget:P2} vs {fa.FnirAtTarget:P2}" : "")
        + $". {g.Reason}";

    private static IModelRegistryGrain Registry(GalleryConnection gallery) => gallery.Grains.GetGrain<IModelRegistryGrain>(0);

    private static string Short(string id) => id.Length > 12 ? id[..12] : id;
}
