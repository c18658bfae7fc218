using FaceGrains.Trainer.Configuration;
using FaceGrains.Trainer.Losses;
using FaceGrains.Trainer.Optimization;
using FaceGrains.Trainer.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace FaceGrains.Trainer.Tests.Losses;

/// <summary>
/// Every loss trains a small embedder on separable synthetic clusters: the loss falls and held-out samples of
/// the same class end up closer than samples of different classes (verification EER near zero).
/// </summary>
public sealed class LossTrainingTests
{
    private const int Classes = 6;
    private const int InputDim = 16;

    [Theory]
    [InlineData("softmax")]
    [InlineData("center")]
    [InlineData("arcface")]
    [InlineData("cosface")]
    [InlineData("sphereface")]
    [InlineData("combined")]
    [InlineData("triplet")]
    [InlineData("contrastive")]
    [InlineData("supcon")]
    public void Loss_falls_and_embeddings_separate(string type)
    {
        using var scope = NewDisposeScope();
        manual_seed(11);
        var rng = new Random(5);
        var means = Enumerable.Range(0, Classes).Select(_ => Enumerable.Range(0, InputDim).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray()).ToArray();
        (Tensor X, Tensor Y) Sample(int perClass)
        {
            var xs = new List<float>();
            var ys = new List<long>();
            for (var c = 0; c < Classes; c++)
            {
                for (var i = 0; i < perClass; i++)
                {
                    xs.AddRange(means[c].Select(m => m + (float)(rng.NextDouble() - 0.5)));
                    ys.Add(c);
                }
            }

            return (tensor(xs.ToArray(), [ys.Count, InputDim]), tensor(ys.ToArray()));
        }

        var net = nn.Sequential(nn.Linear(InputDim, 32), nn.ReLU(), nn.Linear(32, 8));
        var loss = LossFactory.Create([new LossConfig { Type = type, Scale = 8, Margin = type == "sphereface" ? 1.5 : null }], Classes, 8);
        var groups = new List<ParameterGroup>
        {
            new("model.", net.named_parameters().Select(p => ("model." + p.name, p.parameter)).ToList(), 1),
            new("loss.", loss.named_parameters().Select(p => ("loss." + p.name, p.parameter)).ToList(), 1),
        };
        using var optimizer = new Optimizer("adamw", groups, 0, false, 0.999);
        var losses = new List<double>();
        for (var step = 0; step < 80; step++)
        {
            using var stepScope = NewDisposeScope();
            var (x, y) = Sample(4);
            var value = loss.call(net.call(x), y);
            optimizer.ZeroGrad();
            value.backward();
            optimizer.Step(0.01, 0.9);
            losses.Add(value.item<float>());
        }

        Assert.True(losses.TakeLast(10).Average() < losses.Take(10).Average() * 0.9, $"{type}: loss {losses.Take(10).Average():F4} → {losses.TakeLast(10).Average():F4}");
        using var noGrad = no_grad();
        var (tx, ty) = Sample(5);
        var e = net.call(tx).data<float>().ToArray();
        var rows = Enumerable.Range(0, (int)ty.shape[0]).Select(i => e.AsSpan(i * 8, 8).ToArray()).ToArray();
        var result = ValidationSet.VerifyPairs(rows, ty.data<long>().ToArray().Select(l => l.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList(), null);
        Assert.True(result.Eer < 0.1, $"{type}: held-out EER {result.Eer:P2}");
    }
}
