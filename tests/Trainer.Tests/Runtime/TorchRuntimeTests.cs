using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace FaceGrains.Trainer.Tests.Runtime;

public sealed class TorchRuntimeTests
{
    [Fact]
    public void A_tensor_op_runs_in_libtorch()
    {
        using var scope = NewDisposeScope();
        var a = tensor(new float[] { 1, 2, 3, 4 }).reshape(2, 2);
        var b = a.matmul(a);
        Assert.Equal(new float[] { 7, 10, 15, 22 }, b.data<float>().ToArray());
    }
}
