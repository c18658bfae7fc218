namespace FaceGrains.Trainer.Optimization;

/// <summary>
/// Learning rate and momentum (β1 for AdamW) at a step. "constant"; "step": × gamma every step_epochs;
/// "cosine": linear warm-up then half a cosine down to 0; "one-cycle": cosine up from lr/25 over the first 30 %
/// (momentum 0.95 → 0.85), then cosine down to lr/25e4 (momentum back to 0.95).
/// </summary>
public sealed class Schedule(string kind, double lr, double momentum, long totalSteps, long stepsPerEpoch, double warmupEpochs, int stepEpochs, double stepGamma)
{
    public const double OneCycleWarmFraction = 0.3;

    public (double Lr, double Momentum) At(long step)
    {
        var warmup = (long)(warmupEpochs * stepsPerEpoch);
        var warmFactor = warmup > 0 && step < warmup ? (step + 1) / (double)warmup : 1.0;
        switch (kind)
        {
            case "constant":
                return (lr * warmFactor, momentum);
            case "step":
                return (lr * warmFactor * Math.Pow(stepGamma, step / stepsPerEpoch / stepEpochs), momentum);
            case "cosine":
            {
                if (step < warmup)
                {
                    return (lr * warmFactor, momentum);
                }

                var t = (step - warmup) / (double)Math.Max(1, totalSteps - warmup);
                return (lr * 0.5 * (1 + Math.Cos(Math.PI * Math.Min(1, t))), momentum);
            }

            case "onecycle":
            {
                var up = (long)(totalSteps * OneCycleWarmFraction);
                double hi = 0.95, lo = 0.85;
                if (step < up)
                {
                    var t = step / (double)Math.Max(1, up);
                    var c = (1 - Math.Cos(Math.PI * t)) / 2;
                    return (Lerp(lr / 25, lr, c), Lerp(hi, lo, c));
                }
                else
                {
                    var t = (step - up) / (double)Math.Max(1, totalSteps - up);
                    var c = (1 - Math.Cos(Math.PI * Math.Min(1, t))) / 2;
                    return (Lerp(lr, lr / 25e4, c), Lerp(lo, hi, c));
                }
            }

            default:
                throw new ArgumentException($"schedule '{kind}' is unknown");
        }
    }

    private static double Lerp(double a, double b, double t) => a + ((b - a) * t);
}
