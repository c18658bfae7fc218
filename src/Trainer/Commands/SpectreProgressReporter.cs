using System.Globalization;
using FaceGrains.Trainer.Training;
using Spectre.Console;

namespace FaceGrains.Trainer.Commands;

/// <summary>A Spectre.Console progress bar per epoch (loss, images/s, learning rate) on stderr.</summary>
public sealed class SpectreProgressReporter(IAnsiConsole console) : IProgressReporter
{
    public void RunEpoch(int epoch, int epochs, int steps, Action<Action<StepProgress>> body) =>
        console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask($"epoch {epoch}/{epochs}", maxValue: steps);
                body(p =>
                {
                    task.Value = p.Done;
                    task.Description = string.Create(CultureInfo.InvariantCulture, $"epoch {epoch}/{epochs} loss {p.Loss:F4} {p.ImagesPerSecond:F1} img/s lr {p.Lr:G3}");
                });
            });

    public void Log(string message) => console.MarkupLineInterpolated($"[grey]{message}[/]");
}
