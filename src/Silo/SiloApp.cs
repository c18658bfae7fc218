using System.Net.Sockets;
using FaceGrains.Recognition.Importers;
using FaceGrains.Recognition.Models;
using FaceGrains.Silo.Api;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;

namespace FaceGrains.Silo;

/// <summary>The silo process: Orleans, the gallery grains and the HTTP API on one host (Program.cs and the tests build it here).</summary>
public static class SiloApp
{
    /// <summary>Exit code of a start-up failure the operator can fix (as the command line's user errors).</summary>
    public const int StartupError = 2;

    public static WebApplication Create(string[] args)
    {
        // appsettings.json (Urls 127.0.0.1:5080, ...) sits beside the binary: found wherever the silo is started from
        // (the default content root, the working directory, lost it for a published silo started elsewhere: port 5000).
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.AddFaceGrainsSilo();
        builder.AddGalleryApi();

        var app = builder.Build();
        app.MapFaceGrainsApi();
        return app;
    }

    /// <summary>
    /// Program.cs: runs the silo until it is stopped. A failure to start that the operator fixes (bad settings, npm
    /// missing or failing for the default model, a port in use) is one <c>error:</c> line on stderr and exit code 2;
    /// anything else is a bug and keeps its stack trace.
    /// </summary>
    public static int Run(string[] args)
    {
        var modelsDirectory = "<home>/models";
        try
        {
            var app = Create(args);
            modelsDirectory = app.Services.GetRequiredService<ModelStore>().Root;
            app.Run();
            return 0;
        }
        catch (Exception e) when (StartupProblem(e, modelsDirectory) is { } problem)
        {
            Console.Error.WriteLine($"error: {problem}");
            return StartupError;
        }
    }

    private static string? StartupProblem(Exception exception, string modelsDirectory)
    {
        foreach (var e in Causes(exception))
        {
            switch (e)
            {
                case SiloStartupException:
                    return e.Message;
                case OptionsValidationException invalid:
                    return $"bad settings: {string.Join(" ", invalid.Failures)}";
                case AddressInUseException or SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse }:
                    // Kestrel's wrapper names the URL; Orleans' socket error only the address.
                    var message = exception is IOException { InnerException: AddressInUseException } bind ? bind.Message : e.Message;
                    return $"{message.TrimEnd('.')}: is another silo running? Give this one its own Urls, FaceGrains:SiloPort and FaceGrains:GatewayPort.";
                case not null when e.TargetSite?.DeclaringType == typeof(NpmPackage):
                    // The grains import the default model themselves when they start (even with FaceGrains:ImportDefaultModel=false).
                    return DefaultModelImport.Explain(e, modelsDirectory)?.Message;
            }
        }

        return null;
    }

    /// <summary>The exception and everything it wraps (hosts aggregate the failures of several services).</summary>
    private static IEnumerable<Exception> Causes(Exception exception)
    {
        yield return exception;
        var inner = exception is AggregateException aggregate ? aggregate.InnerExceptions : exception.InnerException is { } one ? [one] : [];
        foreach (var cause in inner.SelectMany(Causes))
        {
            yield return cause;
        }
    }
}
