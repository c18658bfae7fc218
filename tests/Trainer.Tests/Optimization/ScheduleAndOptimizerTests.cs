using FaceGrains.Trainer.Optimization;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace FaceGrains.Trainer.Tests.Optimization;

public sealed class ScheduleAndOptimizerTests
{
    [Fact]
    public void Cosine_warms_up_linearly_then_follows_half_a_cosine()
    {
        var s = new Schedule("cosine", lr: 0.1, momentum: 0.9, totalSteps: 100, stepsPerEpoch: 10, warmupEpochs: 1, stepEpochs: 10, stepGamma: 0.1);
        Assert.Equal(0.01, s.At(0).Lr, 12);
        Assert.Equal(0.1, s.At(9).Lr, 12);
        Assert.Equal(0.1, s.At(10).Lr, 12);
        Assert.Equal(0.05, s.At(55).Lr, 12); // halfway through the 90 cosine steps
        Assert.Equal(0.9, s.At(55).Momentum, 12);
    }

    [Fact]
    public void Step_schedule_multiplies_by_gamma_every_step_epochs()
    {
        var s = new Schedule("step", 0.1, 0.9, 100, 10, 0, stepEpochs: 3, stepGamma: 0.5);
        Assert.Equal(0.1, s.At(29).Lr, 12);
        Assert.Equal(0.05, s.At(30).Lr, 12);
        Assert.Equal(0.025, s.At(60).Lr, 12);
    }

    [Fact]
    public void One_cycle_rises_then_falls_with_momentum_mirrored()
    {
        var s = new Schedule("onecycle", 1.0, 0.9, 100, 10, 0, 10, 0.1);
        Assert.Equal(1.0 / 25, s.At(0).Lr, 12);
        Assert.Equal(0.95, s.At(0).Momentum, 12);
        Assert.Equal(1.0, s.At(30).Lr, 12);
        Assert.Equal(0.85, s.At(30).Momentum, 12);
        Assert.Equal(1.0 / 25e4, s.At(100).Lr, 12);
        Assert.Equal(0.95, s.At(100).Momentum, 12);
    }

    private static (Optimizer Optimizer, Parameter P) One(string kind, double weightDecay, bool nesterov)
    {
        var p = new Parameter(tensor(new float[] { 1f }));
        var opt = new Optimizer(kind, [new ParameterGroup("m.", [("m.p", p)], 1.0)], weightDecay, nesterov, 0.999);
        return (opt, p);
    }

    private static void Grad(Parameter p, float g)
    {
        p.grad?.zero_();
        var loss = p.sum() * g; // d/dp = g
        loss.backward();
    }

    [Fact]
    public void Sgd_with_nesterov_and_weight_decay_matches_hand_steps()
    {
        var (opt, p) = One("sgd", 0.1, nesterov: true);
        // step 1: d = 2 + 0.1·1 = 2.1; buf = 2.1; update = d + 0.9·buf = 3.99; p = 1 − 0.1·3.99 = 0.601
        Grad(p, 2);
        opt.Step(0.1, 0.9);
        Assert.Equal(0.601, p.item<float>(), 5);
        // step 2: d = 2 + 0.0601 = 2.0601; buf = 0.9·2.1 + 2.0601 = 3.9501; update = 2.0601 + 0.9·3.9501 = 5.61519
        Grad(p, 2);
        opt.Step(0.1, 0.9);
        Assert.Equal(0.601 - 0.561519, p.item<float>(), 5);
    }

    [Fact]
    public void AdamW_first_step_moves_by_lr_and_decays_decoupled()
    {
        var (opt, p) = One("adamw", 0.5, nesterov: false);
        // p ← p·(1 − lr·wd) = 0.95; m̂ = g, v̂ = g², step = lr·g/|g| = 0.1 → 0.85
        Grad(p, 3);
        opt.Step(0.1, 0.9);
        Assert.Equal(0.85, p.item<float>(), 5);
    }

    [Fact]
    public void Gradient_clipping_scales_to_the_limit()
    {
        var (opt, p) = One("sgd", 0, false);
        Grad(p, 10);
        Assert.Equal(10, opt.ClipGradients(2), 4);
        Assert.Equal(2, p.grad!.item<float>(), 3);
    }

    [Fact]
    public void An_overflowing_gradient_reports_a_non_finite_norm_so_the_run_skips_the_step()
    {
        // The bug: a gradient of inf was "clipped" by multiplying with limit / inf = 0, which makes NaN weights.
        var (opt, p) = One("sgd", 0, false);
        Grad(p, float.PositiveInfinity);
        Assert.False(double.IsFinite(opt.ClipGradients(2)));
    }
}
