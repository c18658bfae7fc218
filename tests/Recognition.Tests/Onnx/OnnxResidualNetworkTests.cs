using FaceGrains.Recognition.Onnx;
using Xunit;
using Xunit.Abstractions;

namespace FaceGrains.Recognition.Tests.Onnx;

/// <summary>
/// A small residual embedding network built from most of the writer's ops at once, checked end to end
/// (pre-normalisation embedding and L2-normalised output) against the reference forward pass.
/// </summary>
public sealed class OnnxResidualNetworkTests(ITestOutputHelper log)
{
    private const int InputChannels = 3;
    private const int Size = 23;
    private const int Stem = 8;
    private const int Wide = 16;
    private const int Embedding = 12;

    /// <summary>All weights of the network, seeded.</summary>
    private sealed class Weights
    {
        public Weights(int seed)
        {
            var rng = new Random(seed);
            RefTensor He(int cout, int cinPerGroup, int k) => RefTensor.Random(rng, MathF.Sqrt(6f / (cinPerGroup * k * k)), cout, cinPerGroup, k, k);
            RefTensor Bn(int c, out RefTensor bias, out RefTensor mean, out RefTensor variance)
            {
                var scale = RefTensor.Uniform(rng, 0.5f, 1.5f, c);
                bias = RefTensor.Random(rng, 0.2f, c);
                mean = RefTensor.Random(rng, 0.2f, c);
                variance = RefTensor.Uniform(rng, 0.5f, 2f, c);
                return scale;
            }

            StemW = He(Stem, InputChannels, 3);
            StemB = RefTensor.Random(rng, 0.1f, Stem);
            StemBnScale = Bn(Stem, out StemBnBias, out StemBnMean, out StemBnVar);
            Res1W = He(Stem, Stem, 3);
            Res1BnScale = Bn(Stem, out Res1BnBias, out Res1BnMean, out Res1BnVar);
            Res1Slope = RefTensor.Uniform(rng, 0.05f, 0.3f, Stem, 1, 1);
            ResDwW = He(Stem, 1, 3);
            ResDwB = RefTensor.Random(rng, 0.1f, Stem);
            ResScale = RefTensor.Uniform(rng, 0.5f, 1f, Stem, 1, 1);
            ResShift = RefTensor.Random(rng, 0.1f, Stem, 1, 1);
            DownW = He(Wide, Stem, 3);
            DownB = RefTensor.Random(rng, 0.1f, Wide);
            Down2W = He(Wide, Wide, 1);
            Down2BnScale = Bn(Wide, out Down2BnBias, out Down2BnMean, out Down2BnVar);
            FcW = RefTensor.Random(rng, 1f / MathF.Sqrt(Wide), Embedding, Wide);
            FcB = RefTensor.Random(rng, 0.1f, Embedding);
        }

        public readonly RefTensor StemW, StemB, StemBnScale, StemBnBias, StemBnMean, StemBnVar;
        public readonly RefTensor Res1W, Res1BnScale, Res1BnBias, Res1BnMean, Res1BnVar, Res1Slope;
        public readonly RefTensor ResDwW, ResDwB, ResScale, ResShift;
        public readonly RefTensor DownW, DownB, Down2W, Down2BnScale, Down2BnBias, Down2BnMean, Down2BnVar;
        public readonly RefTensor FcW, FcB;
    }

    private const float Epsilon = 1e-3f;
    private static readonly long[] SpatialBottomRight = [0, 0, 0, 0, 0, 0, 1, 1];
    private static readonly long[] ZeroChannels = [0, 0, 0, 0, 0, Wide - Stem, 0, 0];

    private static byte[] BuildModel(Weights w)
    {
        var g = new OnnxGraphBuilder("tiny_resnet") { DocString = "residual test network" };
        var x = g.Input("image", InputChannels, Size, Size);

        // Stem: 3x3 stride 2 "valid" conv, BN, ReLU, then 3x3/2 max pool.
        var h = g.Conv(x, g.Const("stem.w", w.StemW), g.Const("stem.b", w.StemB), [3, 3], [2, 2], [0, 0, 0, 0]);
        h = g.Relu(g.BatchNormalization(h, g.Const("stem.bn.scale", w.StemBnScale), g.Const("stem.bn.bias", w.StemBnBias),
            g.Const("stem.bn.mean", w.StemBnMean), g.Const("stem.bn.var", w.StemBnVar), Epsilon));
        h = g.MaxPool(h, [3, 3], [2, 2], [1, 1, 1, 1]);

        // Residual block: conv-BN-PReLU, depthwise conv, per-channel affine (Mul/Add), Add skip, ReLU.
        var r = g.Conv(h, g.Const("res.conv1.w", w.Res1W), null, [3, 3], [1, 1], [1, 1, 1, 1]);
        r = g.BatchNormalization(r, g.Const("res.bn.scale", w.Res1BnScale), g.Const("res.bn.bias", w.Res1BnBias),
            g.Const("res.bn.mean", w.Res1BnMean), g.Const("res.bn.var", w.Res1BnVar), Epsilon);
        r = g.PRelu(r, g.Const("res.slope", w.Res1Slope));
        r = g.Conv(r, g.Const("res.dw.w", w.ResDwW), g.Const("res.dw.b", w.ResDwB), [3, 3], [1, 1], [1, 1, 1, 1], Stem);
        r = g.Add(g.Mul(r, g.Const("res.scale", w.ResScale)), g.Const("res.shift", w.ResShift));
        h = g.Relu(g.Add(r, h));

        // Down-sampling block: main path pads bottom/right then a 3x3/2 "valid" conv; the skip path is
        // a 2x2/2 average pool followed by zero channels.
        var d = g.Pad(h, SpatialBottomRight);
        d = g.Relu(g.Conv(d, g.Const("down.conv1.w", w.DownW), g.Const("down.conv1.b", w.DownB), [3, 3], [2, 2], [0, 0, 0, 0]));
        d = g.Conv(d, g.Const("down.conv2.w", w.Down2W), null, [1, 1], [1, 1], [0, 0, 0, 0]);
        d = g.BatchNormalization(d, g.Const("down.bn.scale", w.Down2BnScale), g.Const("down.bn.bias", w.Down2BnBias),
            g.Const("down.bn.mean", w.Down2BnMean), g.Const("down.bn.var", w.Down2BnVar), Epsilon);
        var skip = g.Pad(g.AveragePool(h, [2, 2], [2, 2], [0, 0, 0, 0]), ZeroChannels);
        h = g.Relu(g.Add(d, skip));

        // Head: global mean, fully connected, L2 normalisation.
        var pooled = g.ReduceMean(h, [2, 3], keepDims: false);
        var embedding = g.Gemm(pooled, g.Const("fc.w", w.FcW), g.Const("fc.b", w.FcB), transB: true);
        g.Output("embedding", embedding, Embedding);
        g.Output("normalized", g.L2Normalize(embedding), Embedding);
        return g.ToBytes();
    }

    private static (RefTensor Embedding, RefTensor Normalized) Forward(Weights w, RefTensor x)
    {
        var h = Reference.Conv(x, w.StemW, w.StemB, [2, 2], [0, 0, 0, 0], 1);
        h = Reference.Relu(Reference.BatchNormalization(h, w.StemBnScale, w.StemBnBias, w.StemBnMean, w.StemBnVar, Epsilon));
        h = Reference.MaxPool(h, [3, 3], [2, 2], [1, 1, 1, 1]);

        var r = Reference.Conv(h, w.Res1W, null, [1, 1], [1, 1, 1, 1], 1);
        r = Reference.BatchNormalization(r, w.Res1BnScale, w.Res1BnBias, w.Res1BnMean, w.Res1BnVar, Epsilon);
        r = Reference.PRelu(r, w.Res1Slope);
        r = Reference.Conv(r, w.ResDwW, w.ResDwB, [1, 1], [1, 1, 1, 1], Stem);
        r = Reference.Add(Reference.Mul(r, w.ResScale), w.ResShift);
        h = Reference.Relu(Reference.Add(r, h));

        var d = Reference.Pad(h, SpatialBottomRight);
        d = Reference.Relu(Reference.Conv(d, w.DownW, w.DownB, [2, 2], [0, 0, 0, 0], 1));
        d = Reference.Conv(d, w.Down2W, null, [1, 1], [0, 0, 0, 0], 1);
        d = Reference.BatchNormalization(d, w.Down2BnScale, w.Down2BnBias, w.Down2BnMean, w.Down2BnVar, Epsilon);
        var skip = Reference.Pad(Reference.AveragePool(h, [2, 2], [2, 2], [0, 0, 0, 0], countIncludePad: false), ZeroChannels);
        h = Reference.Relu(Reference.Add(d, skip));

        var embedding = Reference.Gemm(Reference.ReduceMeanSpatial(h), w.FcW, w.FcB, transB: true);
        return (embedding, Reference.L2Normalize(embedding, 1));
    }

    [Fact]
    public void ResidualNetworkMatchesReference()
    {
        var weights = new Weights(2024);
        var model = BuildModel(weights);
        double maxEmbedding = 0, maxNormalized = 0, maxEmbeddingValue = 0;
        foreach (var level in OrtHarness.Levels)
        {
            using var session = OrtHarness.Load(model, level);
            foreach (var batch in OrtHarness.BatchSizes)
            {
                var x = RefTensor.Random(new Random(77 + batch), 1f, batch, InputChannels, Size, Size);
                var (embedding, normalized) = Forward(weights, x);
                Assert.Equal([batch, Embedding], embedding.Shape);
                var actual = OrtHarness.Run(session, [("image", x)], ["embedding", "normalized"]);
                Assert.Equal(embedding.Shape, actual[0].Shape);
                Assert.Equal(normalized.Shape, actual[1].Shape);
                var de = RefTensor.MaxAbsDiff(embedding, actual[0]);
                var dn = RefTensor.MaxAbsDiff(normalized, actual[1]);
                Assert.True(de <= OrtHarness.Tolerance, $"embedding (batch {batch}, {level}): max abs diff {de:E3}");
                Assert.True(dn <= OrtHarness.Tolerance, $"normalized (batch {batch}, {level}): max abs diff {dn:E3}");
                maxEmbedding = Math.Max(maxEmbedding, de);
                maxNormalized = Math.Max(maxNormalized, dn);
                maxEmbeddingValue = Math.Max(maxEmbeddingValue, embedding.Data.Max(Math.Abs));

                // Rows are unit vectors and distinct per sample: the batch dimension is really the batch.
                for (var n = 0; n < batch; n++)
                {
                    var norm = Math.Sqrt(Enumerable.Range(0, Embedding).Sum(j => (double)actual[1][n, j] * actual[1][n, j]));
                    Assert.InRange(norm, 1 - 1e-5, 1 + 1e-5);
                }

                Assert.NotEqual(actual[1].Data[..Embedding], actual[1].Data[Embedding..(2 * Embedding)]);
            }
        }

        log.WriteLine($"MAXDIFF ResidualNetwork embedding: {maxEmbedding:E3} (|value| up to {maxEmbeddingValue:F3})");
        log.WriteLine($"MAXDIFF ResidualNetwork normalized: {maxNormalized:E3} ({model.Length} bytes)");
    }
}
