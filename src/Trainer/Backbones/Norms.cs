using TorchSharp;
using static TorchSharp.torch;

namespace FaceGrains.Trainer.Backbones;

/// <summary>The normalisation a config chooses: "batch", "group" (32 groups or fewer), "layer" (one group over C×H×W), "none".</summary>
public static class Norms
{
    public static nn.Module<Tensor, Tensor> Create(string kind, long channels) => kind switch
    {
        "batch" => nn.BatchNorm2d(channels),
        "group" => nn.GroupNorm(Groups(channels), channels),
        "layer" => nn.GroupNorm(1, channels),
        "none" => nn.Identity(),
        _ => throw new ArgumentException($"norm '{kind}' is unknown"),
    };

    private static long Groups(long channels)
    {
        for (var g = Math.Min(32, channels); g > 1; g--)
        {
            if (channels % g == 0)
            {
                return g;
            }
        }

        return 1;
    }
}
