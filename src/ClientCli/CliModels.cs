using System.CommandLine;
using FaceGrains.Recognition;
using FaceGrains.Recognition.Detection;
using FaceGrains.Recognition.Importers;
using FaceGrains.Recognition.Models;

namespace FaceGrains.ClientCli;

/// <summary>Finds the model store and the model version a command should use.</summary>
public static class CliModels
{
    public static FaceGrainsHome Home(ParseResult parse) => FaceGrainsHome.Resolve(parse.GetValue(CliOptions.Home));

    /// <summary>
    /// The home's model store; with FaceGrains__AzureStorage set, a cache of the cluster's blob container (the azure
    /// profile), so versions this command publishes or calibrates reach every silo.
    /// </summary>
    public static ModelStore Store(ParseResult parse) => ModelStore.ForEnvironment(Home(parse));

    /// <summary>The version named by --model, or the imported face-api model (imported now if the store lacks it).</summary>
    public static ModelVersion Resolve(ParseResult parse, CommandOutput output)
    {
        var home = Home(parse);
        var store = Store(parse);
        var requested = parse.GetValue(CliOptions.Model);
        if (!string.IsNullOrWhiteSpace(requested))
        {
            return store.Get(requested);
        }

        return FaceApiImporter.EnsureImported(store, home.CacheDirectory, output.Log);
    }

    /// <summary>
    /// The face preparer of <paramref name="model"/>'s recipe (detection and landmark nets imported on first use when it
    /// aligns): how every command that embeds turns an image into model input, exactly as the silo does.
    /// </summary>
    public static FacePreparer Preparer(ParseResult parse, ModelVersion model, CommandOutput output, int intraOpThreads = 0)
    {
        var detector = parse.CommandResult.Command.Options.Contains(CliOptions.Detector) ? DetectorPrecisions.Parse(parse.GetValue(CliOptions.Detector)!) : DetectorPrecision.Float32;
        var preparer = FacePreparer.Open(model, Home(parse), intraOpThreads, output.Log, detectorPrecision: detector);
        if (parse.GetValue(CliOptions.FaceCache) is { Length: > 0 } cache)
        {
            preparer.Cache = new PreparedPhotoCache(Path.GetFullPath(cache));
        }

        return preparer;
    }
}
