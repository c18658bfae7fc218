using FaceGrains.Recognition.Embedding;
using Xunit;
using Xunit.Abstractions;

namespace FaceGrains.Recognition.Tests.Embedding;

/// <summary>Checks the benchmark's shape only; timings on a shared test machine prove nothing.</summary>
public sealed class EmbedderBenchmarkTests(ITestOutputHelper output)
{
    [Fact]
    public void Reports_both_paths_for_every_batch_size()
    {
        using var model = new TinyEmbeddingModel();
        var options = new EmbedderBenchmarkOptions
        {
            BatchSizes = [1, 8, 32],
            WarmUp = TimeSpan.FromMilliseconds(20),
            Duration = TimeSpan.FromMilliseconds(50),
            IntraOpNumThreads = 1,
        };

        var results = EmbedderBenchmark.Run(model.Version, options);

        foreach (var r in results)
        {
            output.WriteLine($"batch {r.BatchSize}: wrapper {r.WrapperImagesPerSecond:F0} img/s ({r.WrapperBytesAllocatedPerCall} B/call), direct {r.DirectImagesPerSecond:F0} img/s ({r.DirectBytesAllocatedPerCall} B/call), overhead {r.WrapperOverheadPercent:F1}%");
        }

        Assert.Equal([1, 8, 32], results.Select(r => r.BatchSize));
        Assert.All(results, r =>
        {
            Assert.True(r.WrapperImagesPerSecond > 0);
            Assert.True(r.DirectImagesPerSecond > 0);
            Assert.True(double.IsFinite(r.WrapperOverheadPercent));
            Assert.True(r.DirectBytesAllocatedPerCall > r.WrapperBytesAllocatedPerCall, "the wrapper should allocate less than fresh tensors per call");
        });
    }

    [Fact]
    public void Invalid_options_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(new EmbedderBenchmarkOptions { BatchSizes = [] }.Validate);
        Assert.Throws<ArgumentOutOfRangeException>(new EmbedderBenchmarkOptions { BatchSizes = [0] }.Validate);
        Assert.Throws<ArgumentOutOfRangeException>(new EmbedderBenchmarkOptions { Duration = TimeSpan.Zero }.Validate);
        Assert.Throws<ArgumentOutOfRangeException>(new EmbedderBenchmarkOptions { IntraOpNumThreads = -1 }.Validate);
    }
}
