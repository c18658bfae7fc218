using Xunit.Abstractions;

namespace FaceGrains.ClientCli.Tests;

/// <summary>
/// Runs <c>facegrains</c> in this process as a user would type it, with stdout and stderr captured and echoed
/// to the test output. Console is process-wide, which is why the assembly runs its tests one at a time.
/// </summary>
internal static class InProcessCli
{
    public static (int ExitCode, string Stdout, string Stderr) Run(ITestOutputHelper output, params string[] args)
    {
        var (savedOut, savedError) = (Console.Out, Console.Error);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        Console.SetOut(stdout);
        Console.SetError(stderr);
        int code;
        try
        {
            code = CliErrors.Run(FaceGrainsCli.CreateRoot(), args);
        }
        finally
        {
            Console.SetOut(savedOut);
            Console.SetError(savedError);
        }

        output.WriteLine($"facegrains {string.Join(' ', args)} → {code}");
        output.WriteLine(stdout.ToString());
        output.WriteLine(stderr.ToString());
        return (code, stdout.ToString(), stderr.ToString());
    }
}
