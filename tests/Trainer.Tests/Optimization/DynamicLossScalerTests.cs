using FaceGrains.Trainer.Optimization;
using FaceGrains.Trainer.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace FaceGrains.Trainer.Tests.Optimization;

public sealed class DynamicLossScalerTests
{
    [Fact]
    public void Scaled_backward_then_unscale_gives_the_plain_gradients()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        var x = randn(4, 3);
        var w = randn(3, 2).requires_grad_();
        (x.matmul(w).pow(2).mean()).backward();
        var plain = w.grad!.clone();
        w.grad!.zero_();

        var scaler = new DynamicLossScaler(initialScale: 1024);
        scaler.ScaleLoss(x.matmul(w).pow(2).mean()).backward();
        Assert.Equal(1024 * plain.abs().max().item<float>(), w.grad!.abs().max().item<float>(), 2);
        scaler.Unscale([w.grad]);
        Assert.True(allclose(plain, w.grad!, rtol: 1e-6, atol: 1e-7));
    }

    [Fact]
    public void A_non_finite_step_is_skipped_and_halves_the_scale()
    {
        var scaler = new DynamicLossScaler(initialScale: 1024, growthInterval: 3);
        Assert.True(scaler.Update(gradientsFinite: true));
        Assert.Equal(1, scaler.CleanSteps);
        Assert.False(scaler.Update(gradientsFinite: false));
        Assert.Equal(512, scaler.Scale);
        Assert.Equal(0, scaler.CleanSteps);
    }

    [Fact]
    public void The_scale_doubles_after_the_growth_interval_of_clean_steps()
    {
        var scaler = new DynamicLossScaler(initialScale: 8, growthInterval: 3);
        scaler.Update(true);
        scaler.Update(true);
        Assert.Equal(8, scaler.Scale);
        scaler.Update(true);
        Assert.Equal(16, scaler.Scale);
        Assert.Equal(0, scaler.CleanSteps);
        scaler.Update(false);
        scaler.Update(true);
        scaler.Update(true);
        Assert.Equal(8, scaler.Scale); // the backoff restarted the count
        scaler.Update(true);
        Assert.Equal(16, scaler.Scale);
    }

    /// <summary>The trainer's protocol on a tiny model: overflowing gradients leave the weights as they were.</summary>
    [Fact]
    public void An_overflowing_step_leaves_the_weights_alone_and_the_next_one_trains()
    {
        using var scope = NewDisposeScope();
        manual_seed(4);
        using var net = nn.Linear(3, 2);
        var groups = new List<ParameterGroup> { new("model.", net.named_parameters().Select(p => ("model." + p.name, p.parameter)).ToList(), 1) };
        using var optimizer = new Optimizer("sgd", groups, 0, false, 0.999);
        // The scaled loss overflows float32; the backoff is steep so that the second step fits.
        var scaler = new DynamicLossScaler(initialScale: 1e38, backoffFactor: 1e-36);
        var x = randn(8, 3) * 100;
        var before = net.weight!.clone();

        bool TrainStep()
        {
            optimizer.ZeroGrad();
            scaler.ScaleLoss(net.call(x).pow(2).mean()).backward();
            scaler.Unscale(optimizer.Parameters.Select(p => p.grad));
            var take = scaler.Update(double.IsFinite(optimizer.ClipGradients(0)));
            if (take)
            {
                optimizer.Step(0.1, 0);
            }

            return take;
        }

        Assert.False(TrainStep());
        Assert.True(before.eq(net.weight!).all().item<bool>());
        Assert.Equal(100, scaler.Scale, 1e-9);
        Assert.True(TrainStep());
        Assert.False(before.eq(net.weight!).all().item<bool>());
    }

    [Fact]
    public void Invalid_settings_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new DynamicLossScaler(initialScale: 0));
        Assert.Throws<ArgumentException>(() => new DynamicLossScaler(growthInterval: 0));
        Assert.Throws<ArgumentException>(() => new DynamicLossScaler(backoffFactor: 1));
    }

    /// <summary>libtorch's autocast, reached through its exported names, works here on CPU with bfloat16 (the trainer uses it on CUDA with float16).</summary>
    [Fact]
    public void Autocast_lowers_matmul_precision_inside_its_scope_only()
    {
        using var scope = NewDisposeScope();
        var a = randn(4, 4);
        Assert.False(Autocast.IsEnabled(DeviceType.CPU));
        using (Autocast.Enter(DeviceType.CPU, ScalarType.BFloat16))
        {
            Assert.True(Autocast.IsEnabled(DeviceType.CPU));
            Assert.Equal(ScalarType.BFloat16, a.matmul(a).dtype);
        }

        Assert.False(Autocast.IsEnabled(DeviceType.CPU));
        Assert.Equal(ScalarType.Float32, a.matmul(a).dtype);
    }
}
