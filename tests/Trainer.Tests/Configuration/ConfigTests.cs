using FaceGrains.Trainer.Configuration;
using Xunit;

namespace FaceGrains.Trainer.Tests.Configuration;

public sealed class ConfigTests
{
    [Fact]
    public void Unknown_key_is_refused_with_its_name()
    {
        var e = Assert.Throws<ConfigException>(() => TrainingConfig.Parse("""{ "backbone": "seed-resnet", "learning_rate": 0.1 }"""));
        Assert.Contains("learning_rate", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_key_inside_a_loss_or_augment_is_refused()
    {
        Assert.Contains("marign", Assert.Throws<ConfigException>(() => TrainingConfig.Parse("""{ "losses": [ { "type": "arcface", "marign": 0.5 } ] }""")).Message, StringComparison.Ordinal);
        Assert.Contains("blur", Assert.Throws<ConfigException>(() => TrainingConfig.Parse("""{ "augment": { "blur": 1 } }""")).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "backbone": "resnet9000" }""", "backbone 'resnet9000'")]
    [InlineData("""{ "optimizer": "adagrad" }""", "optimizer 'adagrad'")]
    [InlineData("""{ "schedule": "linear" }""", "schedule 'linear'")]
    [InlineData("""{ "losses": [ { "type": "focal" } ] }""", "losses[0].type 'focal'")]
    [InlineData("""{ "lr": -1 }""", "lr -1")]
    [InlineData("""{ "norm": "instance" }""", "norm 'instance'")]
    [InlineData("""{ "crop": "middle" }""", "crop 'middle'")]
    [InlineData("""{ "backbone": "dlib-resnet", "input_size": 112 }""", "150")]
    [InlineData("""{ "augment": { "greyscale": 2 } }""", "augment.greyscale")]
    [InlineData("""{ "mixed_precision": true }""", "mixed_precision needs device 'cuda'")]
    public void Unknown_or_out_of_range_value_is_refused(string json, string expected)
    {
        var e = Assert.Throws<ConfigException>(() => TrainingConfig.Parse(json));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Mixed_precision_is_off_by_default_and_accepted_for_cuda()
    {
        Assert.False(TrainingConfig.Parse("{}").MixedPrecision);
        Assert.True(TrainingConfig.Parse("""{ "device": "cuda", "mixed_precision": true }""").MixedPrecision);
    }

    [Fact]
    public void Every_shipped_config_parses()
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "configs");
        var files = Directory.GetFiles(dir, "*.json");
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            TrainingConfig.Load(file);
        }
    }

    [Fact]
    public void Cli_reports_a_bad_config_as_one_error_line_and_exit_code_2()
    {
        var path = Path.Combine(Path.GetTempPath(), $"facegrains-bad-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """{ "backbone": "seed-resnet", "epochz": 3 }""");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = Commands.TrainerCli.Invoke(["run", "--config", path, "--json"], stdout, stderr);
        Assert.Equal(2, code);
        Assert.StartsWith("error:", stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains("epochz", stdout.ToString(), StringComparison.Ordinal);
    }
}
