using TorchSharp;
using static TorchSharp.torch;

namespace FaceGrains.Trainer.Optimization;

/// <summary>
/// Dynamic loss scaling for float16 training: the loss is multiplied by <see cref="Scale"/> before backward so
/// small gradients survive float16, and the gradients are divided by it again before clipping and the step.
/// A step whose gradients are not finite is skipped and the scale halved; after <see cref="GrowthInterval"/>
/// clean steps in a row the scale doubles.
/// </summary>
public sealed class DynamicLossScaler
{
    public const double DefaultInitialScale = 65536;
    public const int DefaultGrowthInterval = 2000;

    public DynamicLossScaler(double initialScale = DefaultInitialScale, int growthInterval = DefaultGrowthInterval, double growthFactor = 2, double backoffFactor = 0.5)
    {
        if (!(initialScale > 0) || double.IsInfinity(initialScale) || growthInterval < 1 || !(growthFactor > 1) || !(backoffFactor is > 0 and < 1))
        {
            throw new ArgumentException("loss scaler needs a finite scale > 0, a growth interval ≥ 1, growth > 1 and backoff in (0, 1)");
        }

        Scale = initialScale;
        GrowthInterval = growthInterval;
        GrowthFactor = growthFactor;
        BackoffFactor = backoffFactor;
    }

    public double Scale { get; private set; }

    public int GrowthInterval { get; }

    public double GrowthFactor { get; }

    public double BackoffFactor { get; }

    /// <summary>Clean (finite) steps since the scale last changed.</summary>
    public int CleanSteps { get; private set; }

    public Tensor ScaleLoss(Tensor loss) => loss * Scale;

    /// <summary>Divides every gradient by <see cref="Scale"/>, in place.</summary>
    public void Unscale(IEnumerable<Tensor?> gradients)
    {
        ArgumentNullException.ThrowIfNull(gradients);
        using var noGrad = no_grad();
        var inverse = 1 / Scale;
        foreach (var g in gradients)
        {
            g?.mul_(inverse);
        }
    }

    /// <summary>
    /// Records one step's outcome: <paramref name="gradientsFinite"/> false halves the scale (the caller skips
    /// that step), true counts towards growth. Returns whether the step should be taken.
    /// </summary>
    public bool Update(bool gradientsFinite)
    {
        if (!gradientsFinite)
        {
            Scale = Math.Max(Scale * BackoffFactor, double.Epsilon);
            CleanSteps = 0;
            return false;
        }

        if (++CleanSteps >= GrowthInterval)
        {
            Scale *= GrowthFactor;
            CleanSteps = 0;
        }

        return true;
    }

    /// <summary>Puts back a state saved with a checkpoint, so a resumed run scales exactly as the uninterrupted one.</summary>
    public void Restore(double scale, int cleanSteps)
    {
        if (!(scale > 0) || double.IsInfinity(scale) || cleanSteps < 0)
        {
            throw new ArgumentException($"loss scaler state scale {scale}, clean steps {cleanSteps} is not valid");
        }

        Scale = scale;
        CleanSteps = cleanSteps;
    }
}
