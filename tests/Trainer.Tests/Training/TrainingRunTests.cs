using FaceGrains.Trainer.Data;
using FaceGrains.Trainer.Training;
using Xunit;

namespace FaceGrains.Trainer.Tests.Training;

public sealed class TrainingRunTests
{
    [Fact]
    public void Empty_dataset_fails_at_start_with_a_clear_message()
    {
        var empty = Directory.CreateTempSubdirectory("facegrains-empty").FullName;
        var e = Assert.Throws<DatasetException>(() => SyntheticRun.Run(SyntheticRun.Config(empty), SyntheticRun.NewFolder()));
        Assert.Contains("empty", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Single_identity_dataset_fails_at_start()
    {
        var data = SyntheticFaces.Create(identities: 1, imagesPerIdentity: 4);
        var e = Assert.Throws<DatasetException>(() => SyntheticRun.Run(SyntheticRun.Config(data), SyntheticRun.NewFolder()));
        Assert.Contains("at least 2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_dataset_folder_fails_at_start()
    {
        Assert.Throws<DatasetException>(() => SyntheticRun.Run(SyntheticRun.Config("/nonexistent/faces"), SyntheticRun.NewFolder()));
    }

    [Fact]
    public void Unreadable_images_are_skipped_and_listed_and_the_run_finishes()
    {
        var data = SyntheticFaces.Create(identities: 8, imagesPerIdentity: 5);
        var broken = Path.Combine(data, "id001", "frontal", "broken.jpg");
        File.WriteAllBytes(broken, [0xFF, 0xD8, 0xFF, 0x00, 0x01, 0x02]);
        var folder = SyntheticRun.NewFolder();
        var summary = SyntheticRun.Run(SyntheticRun.Config(data) with { Epochs = 1, StepsPerEpoch = 2 }, folder);
        Assert.Equal(1, summary.SkippedImages);
        Assert.Contains(broken, File.ReadAllText(folder.Skipped), StringComparison.Ordinal);
        Assert.True(File.Exists(folder.Checkpoint));
        Assert.True(File.Exists(folder.Split));
        Assert.Equal(2, TrainingRun.ReadHistory(folder.Metrics).Count); // epoch 0 and epoch 1
    }

    [Fact]
    public void Resume_continues_exactly_where_the_run_stopped()
    {
        var data = SyntheticFaces.Create(identities: 8, imagesPerIdentity: 5);
        var config = SyntheticRun.Config(data) with { Optimizer = "adamw", Lr = 0.01, Augment = new FaceGrains.Trainer.Configuration.AugmentConfig { RandomErasing = 0.5 } };

        // Known defect outside resume (docs/BENCHMARKS.md): under heavy CPU load libtorch's CPU backward now and then
        // returns NaN gradients for a graph that gives finite ones in every other run, and the trainer skips that
        // step, so one of the runs departs (about 1 in 10 tries beside six busy processes). A resume bug repeats on
        // every try; that glitch does not, so a second try decides.
        var first = StraightAndResumed(config);
        var problem = first is null ? null : StraightAndResumed(config);
        Assert.True(problem is null, $"{problem} (first try: {first})");
    }

    /// <summary>A straight 2-epoch run against one stopped after epoch 1 and resumed: null when every tensor matches.</summary>
    private static string? StraightAndResumed(Trainer.Configuration.TrainingConfig config)
    {
        var straight = SyntheticRun.NewFolder();
        SyntheticRun.Run(config, straight);

        var interrupted = SyntheticRun.NewFolder();
        SyntheticRun.Run(config, interrupted, stopAfterEpoch: 1);
        Assert.Equal(1, Checkpoint.Load(interrupted.Checkpoint).Info.Epoch);
        SyntheticRun.Run(config, interrupted, resume: true);

        var a = Checkpoint.Load(straight.Checkpoint);
        var b = Checkpoint.Load(interrupted.Checkpoint);
        Assert.Equal(2, b.Info.Epoch);
        Assert.Equal(a.Tensors.Keys.Order(), b.Tensors.Keys.Order());
        Assert.Equal(3, TrainingRun.ReadHistory(interrupted.Metrics).Count);
        var differing = a.Tensors.Where(kv => !kv.Value.eq(b.Tensors[kv.Key]).all().item<bool>()).Select(kv => kv.Key).ToList();
        string Losses(RunFolder f) => string.Join(", ", TrainingRun.ReadHistory(f.Metrics).Select(m => $"epoch {m.Epoch}: {m.TrainLoss:R}"));
        return differing.Count == 0 ? null : $"{differing.Count} of {a.Tensors.Count} tensors differ after resume (first: {string.Join(", ", differing.Take(5))}); straight run losses {Losses(straight)}; interrupted run losses {Losses(interrupted)}";
    }

    [Fact]
    public void Resume_refuses_a_corrupt_checkpoint()
    {
        var data = SyntheticFaces.Create(identities: 8, imagesPerIdentity: 4);
        var config = SyntheticRun.Config(data) with { Epochs = 2, StepsPerEpoch = 1 };
        var folder = SyntheticRun.NewFolder();
        SyntheticRun.Run(config, folder, stopAfterEpoch: 1);
        var bytes = File.ReadAllBytes(folder.Checkpoint);
        bytes[^100] ^= 1;
        File.WriteAllBytes(folder.Checkpoint, bytes);
        Assert.Throws<CheckpointException>(() => SyntheticRun.Run(config, folder, resume: true));
    }
}
