using FaceGrains.Recognition.Embedding;
using Xunit;

namespace FaceGrains.Recognition.Tests.Embedding;

public sealed class EmbedderOptionsTests
{
    [Fact]
    public void Defaults_are_cpu_runtime_threads_and_batches_of_32()
    {
        var options = new EmbedderOptions();

        options.Validate();
        Assert.Equal(0, options.IntraOpNumThreads);
        Assert.Equal(ExecutionProvider.Cpu, options.ExecutionProvider);
        Assert.Equal(0, options.CudaDeviceId);
        Assert.Equal(32, options.MaxBatchSize);
    }

    [Theory]
    [InlineData(-1, 0, 32)]
    [InlineData(0, -1, 32)]
    [InlineData(0, 0, 0)]
    public void Out_of_range_settings_are_refused(int threads, int device, int batch)
    {
        var options = new EmbedderOptions { IntraOpNumThreads = threads, CudaDeviceId = device, MaxBatchSize = batch };

        Assert.Throws<ArgumentOutOfRangeException>(options.Validate);
    }
}
