using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace FaceGrains.ClientCli;

/// <summary>
/// Where a command's results go: JSON on stdout with --json, otherwise tables for people.
/// Progress and log lines go to stderr so stdout stays parseable.
/// </summary>
public sealed class CommandOutput(bool json)
{
    // Output for terminals and programs, never embedded in HTML: characters such as × stay readable.
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public bool IsJson { get; } = json;

    public IAnsiConsole Error { get; } = AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(Console.Error),
    });

    public void Log(string message) => Error.MarkupLine($"[grey]{Markup.Escape(message)}[/]");

    /// <summary>Writes <paramref name="payload"/> as JSON, or calls <paramref name="human"/> to render it.</summary>
    public void Result(JsonObject payload, Action<IAnsiConsole> human)
    {
        if (IsJson)
        {
            Console.Out.WriteLine(payload.ToJsonString(JsonOptions));
        }
        else
        {
            human(AnsiConsole.Console);
        }
    }

    /// <summary>Runs <paramref name="work"/> under a progress bar on stderr (with --json, or when stderr is not a terminal, a line every 10 %).</summary>
    public T WithProgress<T>(string title, Func<Action<int, int>, T> work)
    {
        if (IsJson || Console.IsErrorRedirected)
        {
            var lastReported = -1;
            return work((done, total) =>
            {
                var percent = total == 0 ? 100 : done * 100 / total;
                if (percent / 10 != lastReported / 10)
                {
                    lastReported = percent;
                    Console.Error.WriteLine($"{title}: {done}/{total}");
                }
            });
        }

        T result = default!;
        Error.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(title);
                result = work((done, total) =>
                {
                    task.MaxValue = Math.Max(1, total);
                    task.Value = done;
                });
                task.Value = task.MaxValue;
            });
        return result;
    }

    /// <summary>The async form of <see cref="WithProgress{T}"/>; the progress callback may be called from several threads.</summary>
    public async Task WithProgressAsync(string title, Func<Action<int, int>, Task> work)
    {
        if (IsJson || Console.IsErrorRedirected)
        {
            var lastReported = -1;
            var gate = new object();
            await work((done, total) =>
            {
                var percent = total == 0 ? 100 : done * 100 / total;
                lock (gate)
                {
                    if (percent / 10 != lastReported / 10)
                    {
                        lastReported = percent;
                        Console.Error.WriteLine($"{title}: {done}/{total}");
                    }
                }
            });
            return;
        }

        await Error.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask(title);
                await work((done, total) =>
                {
                    task.MaxValue = Math.Max(1, total);
                    task.Value = done;
                });
                task.Value = task.MaxValue;
            });
    }
}
