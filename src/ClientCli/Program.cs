using System.CommandLine;
using FaceGrains.ClientCli;
using FaceGrains.ClientCli.Commands;

var root = new RootCommand("facegrains: the FaceGrains operator's command line.")
{
    CliOptions.Json,
    CliOptions.Home,
};
root.Subcommands.Add(ModelsCommand.Create());
root.Subcommands.Add(EmbedCommand.Create());
root.Subcommands.Add(EvalCommand.Create());
root.Subcommands.Add(BenchCommand.Create());

return CliErrors.Run(root, args);
