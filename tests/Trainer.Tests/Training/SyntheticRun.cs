using FaceGrains.Trainer.Commands;
using FaceGrains.Trainer.Configuration;
using FaceGrains.Trainer.Training;

namespace FaceGrains.Trainer.Tests.Training;

/// <summary>Tiny end-to-end runs on synthetic faces (one libtorch thread, so runs repeat bit for bit).</summary>
internal static class SyntheticRun
{
    public static TrainingConfig Config(string data, string backbone = "seed-resnet", int inputSize = 16) => new()
    {
        Name = "test",
        Data = data,
        Backbone = backbone,
        Width = 0.125,
        InputSize = backbone == "dlib-resnet" ? 0 : inputSize,
        Losses = [new LossConfig { Type = "cosface", Scale = 16, Margin = 0.2 }],
        BatchSize = 8,
        Epochs = 2,
        StepsPerEpoch = 3,
        ValMaxImages = 40,
        ValFraction = 0.25,
        Lr = 0.02,
        GradClip = 5,
        Threads = 1,
    };

    public static RunFolder NewFolder() =>
        RunFolder.Create(Path.Combine(Path.GetTempPath(), "facegrains-trainer-tests", "runs"), "test");

    public static RunSummary Run(TrainingConfig config, RunFolder folder, bool resume = false, int? stopAfterEpoch = null) =>
        TrainingRun.Execute(config, folder, resume, new LineProgressReporter(TextWriter.Null), default, stopAfterEpoch);
}
