using FaceGrains.Trainer.Optimization;
using FaceGrains.Trainer.Training;
using Xunit;

namespace FaceGrains.Trainer.Tests.Training;

/// <summary>
/// The mixed-precision training loop, run on CPU with float16 autocast as a stand-in for CUDA (a config file
/// with mixed_precision on CPU is refused; a config built in code skips that check). The CUDA path itself is
/// not run by these tests.
/// </summary>
public sealed class MixedPrecisionRunTests
{
    [Fact]
    public void The_loss_scaler_backs_off_on_float16_overflow_and_resumes_with_its_state()
    {
        var data = SyntheticFaces.Create(identities: 8, imagesPerIdentity: 5);
        var config = SyntheticRun.Config(data) with { MixedPrecision = true };

        var straight = SyntheticRun.NewFolder();
        var summary = SyntheticRun.Run(config, straight);
        Assert.True(double.IsFinite(summary.FinalLoss!.Value));
        var a = Checkpoint.Load(straight.Checkpoint);
        Assert.InRange(a.Info.LossScale!.Value, 1, DynamicLossScaler.DefaultInitialScale / 2); // the first steps overflowed
        Assert.NotNull(a.Info.LossScaleCleanSteps);

        var interrupted = SyntheticRun.NewFolder();
        SyntheticRun.Run(config, interrupted, stopAfterEpoch: 1);
        SyntheticRun.Run(config, interrupted, resume: true);
        var b = Checkpoint.Load(interrupted.Checkpoint);
        Assert.Equal(a.Info.LossScale, b.Info.LossScale);
        Assert.Equal(a.Info.LossScaleCleanSteps, b.Info.LossScaleCleanSteps);
        foreach (var (name, t) in a.Tensors)
        {
            Assert.True(t.eq(b.Tensors[name]).all().item<bool>(), $"tensor '{name}' differs after resume");
        }
    }

    [Fact]
    public void Float32_runs_write_no_loss_scale()
    {
        var data = SyntheticFaces.Create(identities: 8, imagesPerIdentity: 4);
        var folder = SyntheticRun.NewFolder();
        SyntheticRun.Run(SyntheticRun.Config(data) with { Epochs = 1, StepsPerEpoch = 1 }, folder);
        Assert.Null(Checkpoint.Load(folder.Checkpoint).Info.LossScale);
    }
}
