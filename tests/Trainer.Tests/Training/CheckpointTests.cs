using FaceGrains.Trainer.Training;
using Xunit;
using static TorchSharp.torch;

namespace FaceGrains.Trainer.Tests.Training;

public sealed class CheckpointTests
{
    private static string Saved()
    {
        var path = Path.Combine(Path.GetTempPath(), $"facegrains-ckpt-{Guid.NewGuid():N}.fgckpt");
        using var scope = NewDisposeScope();
        Checkpoint.Save(path, new Checkpoint.Header { Epoch = 3, GlobalStep = 30, Backbone = "seed-resnet" }, new Dictionary<string, Tensor>
        {
            ["model.w"] = arange(12, dtype: ScalarType.Float32).reshape(3, 4),
            ["model.n"] = tensor(new long[] { 7 }),
        });
        return path;
    }

    [Fact]
    public void Round_trips_tensors_and_header()
    {
        var checkpoint = Checkpoint.Load(Saved());
        Assert.Equal(3, checkpoint.Info.Epoch);
        Assert.Equal(30, checkpoint.Info.GlobalStep);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => (float)i), checkpoint.Tensors["model.w"].data<float>().ToArray());
        Assert.Equal([3L, 4L], checkpoint.Tensors["model.w"].shape);
        Assert.Equal(7L, checkpoint.Tensors["model.n"].item<long>());
    }

    [Fact]
    public void A_flipped_byte_is_refused()
    {
        var path = Saved();
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x40;
        File.WriteAllBytes(path, bytes);
        Assert.Contains("corrupt", Assert.Throws<CheckpointException>(() => Checkpoint.Load(path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_truncated_or_foreign_file_is_refused()
    {
        var path = Saved();
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 10)]);
        Assert.Throws<CheckpointException>(() => Checkpoint.Load(path));
        File.WriteAllText(path, "not a checkpoint at all, just some text that is long enough");
        Assert.Throws<CheckpointException>(() => Checkpoint.Load(path));
    }
}
