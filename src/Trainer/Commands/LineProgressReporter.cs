using FaceGrains.Trainer.Training;

namespace FaceGrains.Trainer.Commands;

/// <summary>Progress as plain lines on stderr (logs, redirected output): one line every <c>every</c> steps.</summary>
public sealed class LineProgressReporter(TextWriter output, int every = 20) : IProgressReporter
{
    public void RunEpoch(int epoch, int epochs, int steps, Action<Action<StepProgress>> body) =>
        body(p =>
        {
            if (p.Done % every == 0 || p.Done == steps)
            {
                output.WriteLine($"epoch {epoch}/{epochs} step {p.Done}/{steps}: loss {p.Loss:F4}, {p.ImagesPerSecond:F1} img/s, lr {p.Lr:G3}");
            }
        });

    public void Log(string message) => output.WriteLine(message);
}
