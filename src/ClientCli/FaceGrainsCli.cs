using System.CommandLine;
using FaceGrains.ClientCli.Commands;

namespace FaceGrains.ClientCli;

/// <summary>The <c>facegrains</c> command tree: every command a user can type starts here.</summary>
public static class FaceGrainsCli
{
    public static RootCommand CreateRoot()
    {
        var root = new RootCommand("facegrains: the FaceGrains operator's command line.")
        {
            CliOptions.Json,
            CliOptions.Home,
            Gallery.GalleryConnection.Gateway,
            Gallery.GalleryConnection.ClusterId,
        };
        root.Subcommands.Add(EnrollCommand.Create());
        root.Subcommands.Add(EnrollFolderCommand.Create());
        root.Subcommands.Add(IdentifyCommand.Create());
        root.Subcommands.Add(VerifyCommand.Create());
        root.Subcommands.Add(GalleryCommand.Create());
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(ModelsCommand.Create());
        root.Subcommands.Add(EmbedCommand.Create());
        root.Subcommands.Add(DetectCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(KeysCommand.Create());
        return root;
    }
}
