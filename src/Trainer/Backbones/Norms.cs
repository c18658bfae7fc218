using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FaceGrains.Trainer.Backbones;

/// <summary>The normalisation a config chooses: "batch", "group" (32 groups or fewer), "layer" (one group over C×H×W), "none".</summary>
public static class Norms
{
    public static nn.Module<Tensor, Tensor> Create(string kind, long channels) => kind switch
    {
        "batch" => nn.BatchNorm2d(channels),
        "group" => Initialized(nn.GroupNorm(Groups(channels), channels)),
        "layer" => Initialized(nn.GroupNorm(1, channels)),
        "none" => nn.Identity(),
        _ => throw new ArgumentException($"norm '{kind}' is unknown"),
    };

    /// <summary>
    /// Scale 1, shift 0, as PyTorch starts them: TorchSharp 0.107's GroupNorm leaves both uninitialised (whatever
    /// memory held, often ±1e29), which made every group- or layer-normalised network's output NaN or huge.
    /// </summary>
    private static GroupNorm Initialized(GroupNorm norm)
    {
        using (no_grad())
        {
            norm.weight!.fill_(1);
            norm.bias!.zero_();
        }

        return norm;
    }

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
