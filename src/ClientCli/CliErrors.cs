using System.CommandLine;
using System.Text.Json.Nodes;
using FaceGrains.Recognition.Embedding;
using FaceGrains.Recognition.Images;
using FaceGrains.Recognition.Models;

namespace FaceGrains.ClientCli;

/// <summary>
/// Runs the command line and turns the errors a user can cause (bad image, unknown model, missing file…)
/// into one clear line and exit code 2, instead of a stack trace. Anything else is a bug and keeps its trace.
/// </summary>
public static class CliErrors
{
    public const int UserError = 2;

    public static int Run(RootCommand root, string[] args)
    {
        var json = args.Contains("--json");
        try
        {
            return root.Parse(args).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (IsUserError(e))
        {
            if (json)
            {
                Console.Out.WriteLine(new JsonObject { ["error"] = e.Message, ["kind"] = Kind(e) }.ToJsonString());
            }

            Console.Error.WriteLine($"error: {e.Message}");
            return UserError;
        }
    }

    private static bool IsUserError(Exception e) => e is ImageRejectedException or ModelNotFoundException or InvalidModelException
        or ExecutionProviderUnavailableException or FileNotFoundException or DirectoryNotFoundException or InvalidDataException
        or FormatException or Gallery.GatewayUnavailableException or ArgumentOutOfRangeException or UnauthorizedAccessException or InvalidOperationException;

    private static string Kind(Exception e) => e switch
    {
        ImageRejectedException r => $"image_{r.Reason}".ToLowerInvariant(),
        ModelNotFoundException => "model_not_found",
        Gallery.GatewayUnavailableException => "gateway_unavailable",
        InvalidModelException => "invalid_model",
        ExecutionProviderUnavailableException => "provider_unavailable",
        _ => e.GetType().Name,
    };
}
