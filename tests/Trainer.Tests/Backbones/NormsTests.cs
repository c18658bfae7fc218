using FaceGrains.Trainer.Backbones;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace FaceGrains.Trainer.Tests.Backbones;

public sealed class NormsTests
{
    [Theory]
    [InlineData("group")]
    [InlineData("layer")]
    public void Group_and_layer_norms_start_as_plain_normalisation(string kind)
    {
        using var norm = (GroupNorm)Norms.Create(kind, 8);
        Assert.All(norm.weight!.data<float>().ToArray(), w => Assert.Equal(1f, w));
        Assert.All(norm.bias!.data<float>().ToArray(), b => Assert.Equal(0f, b));
        using var scope = NewDisposeScope();
        var y = norm.call(randn(2, 8, 4, 4, generator: new Generator(7)));
        Assert.Equal(0.0, y.mean().item<float>(), 3);
        Assert.Equal(1.0, y.std().item<float>(), 1);
    }
}
