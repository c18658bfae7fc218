using System.Diagnostics;
using FaceGrains.Trainer.Backbones;
using FaceGrains.Trainer.Configuration;
using FaceGrains.Trainer.Losses;
using static TorchSharp.torch;

namespace FaceGrains.Trainer.Training;

/// <summary>Forward + backward images/s of a backbone (with an ArcFace head over 360 classes) on random input at its size.</summary>
public static class ThroughputBenchmark
{
    public static (double ImagesPerSecond, int InputSize, long Parameters) Measure(string backboneName, int batchSize, int steps, double width, int threads)
    {
        set_num_threads(threads > 0 ? threads : Environment.ProcessorCount);
        var config = new TrainingConfig { Backbone = backboneName, Width = width };
        var spec = ModelSetup.Preprocessing(config);
        using var backbone = BackboneRegistry.Create(config, spec.Width);
        using var loss = new ArcFaceLoss(360, backbone.EmbeddingSize, 32, 0.5);
        backbone.train();
        var parameters = backbone.parameters().Sum(p => p.numel());
        var clock = new Stopwatch();
        for (var step = 0; step <= steps; step++)
        {
            using var scope = NewDisposeScope();
            if (step == 1)
            {
                clock.Start(); // the first step warms up libtorch
            }

            var x = randn(batchSize, 3, spec.Height, spec.Width);
            var y = randint(0, 360, batchSize);
            var value = loss.call(backbone.call(x), y);
            value.backward();
            foreach (var p in backbone.parameters())
            {
                p.grad?.zero_();
            }
        }

        return (batchSize * steps / clock.Elapsed.TotalSeconds, spec.Width, parameters);
    }
}
