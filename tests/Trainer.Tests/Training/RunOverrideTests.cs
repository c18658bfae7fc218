using System.Text.Json;
using FaceGrains.Trainer.Configuration;
using FaceGrains.Trainer.Training;
using Xunit;

namespace FaceGrains.Trainer.Tests.Training;

/// <summary><c>facegrains-train run --epochs N --steps-per-epoch N</c>: a long recipe checked quickly, the run folder recording what ran.</summary>
public sealed class RunOverrideTests
{
    [Fact]
    public void Epochs_and_steps_per_epoch_on_the_command_line_replace_the_configs_and_are_kept_with_the_run()
    {
        var data = SyntheticFaces.Create(identities: 8, imagesPerIdentity: 5);
        var configPath = Path.Combine(Path.GetTempPath(), $"facegrains-override-{Guid.NewGuid():N}.json");
        File.WriteAllText(configPath, (SyntheticRun.Config(data) with { Epochs = 40, StepsPerEpoch = 50 }).ToJson());
        var runs = Path.Combine(Path.GetTempPath(), "facegrains-trainer-tests", "override-runs", Guid.NewGuid().ToString("N"));
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var code = Commands.TrainerCli.Invoke(["run", "--config", configPath, "--epochs", "1", "--steps-per-epoch", "2", "--runs", runs, "--json"], stdout, stderr);

        Assert.True(code == 0, stderr.ToString());
        using var summary = JsonDocument.Parse(stdout.ToString());
        Assert.Equal(1, summary.RootElement.GetProperty("epochs").GetInt32());
        var folder = new RunFolder(summary.RootElement.GetProperty("run").GetString()!);
        var kept = TrainingConfig.Load(folder.Config);
        Assert.Equal((1, 2), (kept.Epochs, kept.StepsPerEpoch));
        Assert.Equal(2, TrainingRun.ReadHistory(folder.Metrics).Count); // epoch 0 (untrained) and epoch 1
    }

    [Theory]
    [InlineData("--epochs", "0", "epochs")]
    [InlineData("--steps-per-epoch", "-1", "steps_per_epoch")]
    public void An_override_out_of_range_is_refused_naming_the_setting(string option, string value, string setting)
    {
        var configPath = Path.Combine(Path.GetTempPath(), $"facegrains-override-{Guid.NewGuid():N}.json");
        File.WriteAllText(configPath, SyntheticRun.Config("unused").ToJson());
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var code = Commands.TrainerCli.Invoke(["run", "--config", configPath, option, value, "--json"], stdout, stderr);

        Assert.Equal(2, code);
        Assert.Contains(setting, stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_resumed_run_refuses_overrides()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = Commands.TrainerCli.Invoke(["run", "--resume", Path.GetTempPath(), "--epochs", "3"], stdout, stderr);
        Assert.Equal(2, code);
        Assert.Contains("a resumed run keeps the config it started with", stderr.ToString(), StringComparison.Ordinal);
    }
}
