namespace FaceGrains.Trainer.Training;

/// <summary>Where the training loop shows progress (a Spectre bar on a terminal, plain lines in a log).</summary>
public interface IProgressReporter
{
    /// <summary>Runs one epoch's steps; <paramref name="body"/> calls the given callback after each step.</summary>
    void RunEpoch(int epoch, int epochs, int steps, Action<Action<StepProgress>> body);

    void Log(string message);
}

/// <summary>After a step: steps done in the epoch, running mean loss, training images/s, learning rate.</summary>
public readonly record struct StepProgress(int Done, double Loss, double ImagesPerSecond, double Lr);
