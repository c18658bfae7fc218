using FaceGrains.Recognition.Onnx;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Xunit;
using Xunit.Abstractions;

namespace FaceGrains.Recognition.Tests.Onnx;

/// <summary>
/// What the written model looks like from the outside: graph inputs/outputs and metadata as ONNX Runtime
/// reports them, the model header read back with a plain protobuf reader, and the builder's argument checks.
/// </summary>
public sealed class OnnxModelStructureTests(ITestOutputHelper log)
{
    private static OnnxGraphBuilder SmallModel()
    {
        var rng = new Random(5);
        var g = new OnnxGraphBuilder("structure_test") { DocString = "graph doc ✓" };
        var x = g.Input("image", 3, 8, 6);
        var h = g.Conv(x, g.Const("w", RefTensor.Random(rng, 0.3f, 4, 3, 3, 3)), null, [3, 3], [2, 2], [1, 1, 1, 1]);
        var pooled = g.ReduceMean(h, [2, 3], keepDims: false);
        g.Output("embedding", g.L2Normalize(pooled), 4);
        g.Output("features", h, 4, 4, 3);
        return g;
    }

    [Fact]
    public void InputMetadataHasSymbolicBatch()
    {
        using var session = OrtHarness.Load(SmallModel().ToBytes());
        Assert.Equal(["image"], session.InputNames);
        var input = session.InputMetadata["image"];
        Assert.True(input.IsTensor);
        Assert.Equal(OnnxValueType.ONNX_TYPE_TENSOR, input.OnnxValueType);
        Assert.Equal(typeof(float), input.ElementType);
        Assert.Equal(TensorElementType.Float, input.ElementDataType);
        Assert.Equal([-1, 3, 8, 6], input.Dimensions);
        Assert.Equal([OnnxGraphBuilder.BatchDimension, "", "", ""], input.SymbolicDimensions);
        Assert.Equal("batch", input.SymbolicDimensions[0]);
    }

    [Fact]
    public void OutputMetadataInDeclarationOrder()
    {
        using var session = OrtHarness.Load(SmallModel().ToBytes());
        Assert.Equal(["embedding", "features"], session.OutputNames);

        var embedding = session.OutputMetadata["embedding"];
        Assert.True(embedding.IsTensor);
        Assert.Equal(TensorElementType.Float, embedding.ElementDataType);
        Assert.Equal([-1, 4], embedding.Dimensions);
        Assert.Equal(["batch", ""], embedding.SymbolicDimensions);

        var features = session.OutputMetadata["features"];
        Assert.Equal([-1, 4, 4, 3], features.Dimensions);
        Assert.Equal(["batch", "", "", ""], features.SymbolicDimensions);
    }

    [Fact]
    public void SeveralInputsKeepTheirOrder()
    {
        var g = new OnnxGraphBuilder("two_inputs");
        var a = g.Input("a", 4);
        var b = g.Input("b", 4);
        g.Output("sum", g.Add(a, b), 4);
        using var session = OrtHarness.Load(g.ToBytes());
        Assert.Equal(["a", "b"], session.InputNames);
        Assert.All(session.InputMetadata.Values, m => Assert.Equal([-1, 4], m.Dimensions));
    }

    [Fact]
    public void OutputsRunWithTheRightShapes()
    {
        using var session = OrtHarness.Load(SmallModel().ToBytes());
        foreach (var batch in OrtHarness.BatchSizes)
        {
            var x = RefTensor.Random(new Random(batch), 1f, batch, 3, 8, 6);
            var results = OrtHarness.Run(session, [("image", x)], ["embedding", "features"]);
            Assert.Equal([batch, 4], results[0].Shape);
            Assert.Equal([batch, 4, 4, 3], results[1].Shape);
        }
    }

    [Fact]
    public void ModelMetadataRoundTrips()
    {
        var g = SmallModel();
        g.Metadata("facegrains.model", "arcface-lite");
        g.Metadata("facegrains.embedding_dim", "4");
        g.Metadata("facegrains.mean", "127.5,127.5,127.5");
        g.Metadata("note", "ünïcødé → ok");
        g.Metadata("empty", "");
        g.Metadata("facegrains.model", "arcface-lite-v2"); // the last value for a key wins
        using var session = OrtHarness.Load(g.ToBytes());
        var metadata = session.ModelMetadata;

        var expected = new Dictionary<string, string>
        {
            ["facegrains.model"] = "arcface-lite-v2",
            ["facegrains.embedding_dim"] = "4",
            ["facegrains.mean"] = "127.5,127.5,127.5",
            ["note"] = "ünïcødé → ok",
            ["empty"] = "",
        };
        Assert.Equal(expected.OrderBy(p => p.Key), metadata.CustomMetadataMap.OrderBy(p => p.Key));
        Assert.Equal("FaceGrains", metadata.ProducerName);
        Assert.Equal("structure_test", metadata.GraphName);
        Assert.Equal("graph doc ✓", metadata.GraphDescription);
        Assert.Equal("", metadata.Domain);
        log.WriteLine($"producer {metadata.ProducerName}, graph {metadata.GraphName}, {metadata.CustomMetadataMap.Count} custom entries");
    }

    [Fact]
    public void NoMetadataGivesAnEmptyMap()
    {
        var g = new OnnxGraphBuilder("plain");
        g.Output("y", g.Relu(g.Input("x", 2)), 2);
        using var session = OrtHarness.Load(g.ToBytes());
        Assert.Empty(session.ModelMetadata.CustomMetadataMap);
    }

    /// <summary>Reads ModelProto's top-level fields with a bare protobuf reader (field numbers from onnx.proto).</summary>
    [Fact]
    public void ModelHeaderDeclaresIr8AndOpset17()
    {
        var bytes = SmallModel().ToBytes();
        long? irVersion = null;
        string? producer = null;
        var opsets = new List<(string Domain, long Version)>();
        var graphs = 0;
        var input = new CodedInputStream(bytes);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: irVersion = input.ReadInt64(); break;
                case 2: producer = input.ReadString(); break;
                case 7: graphs++; input.SkipLastField(); break;
                case 8:
                    var opset = new CodedInputStream(input.ReadBytes().ToByteArray());
                    string domain = "";
                    long version = -1;
                    uint t;
                    while ((t = opset.ReadTag()) != 0)
                    {
                        switch (WireFormat.GetTagFieldNumber(t))
                        {
                            case 1: domain = opset.ReadString(); break;
                            case 2: version = opset.ReadInt64(); break;
                            default: opset.SkipLastField(); break;
                        }
                    }

                    opsets.Add((domain, version));
                    break;
                default: input.SkipLastField(); break;
            }
        }

        Assert.Equal(8, irVersion);
        Assert.Equal("FaceGrains", producer);
        Assert.Equal(1, graphs);
        Assert.Equal([("", 17L)], opsets);
    }

    [Fact]
    public void ToBytesIsDeterministic()
    {
        Assert.Equal(SmallModel().ToBytes(), SmallModel().ToBytes());
    }

    [Fact]
    public void DuplicateInputNameThrows()
    {
        var g = new OnnxGraphBuilder("dup");
        g.Input("x", 3);
        Assert.Throws<ArgumentException>(() => g.Input("x", 3));
    }

    [Fact]
    public void InitializerNamedLikeAnInputThrows()
    {
        var g = new OnnxGraphBuilder("dup");
        g.Input("x", 3);
        Assert.Throws<ArgumentException>(() => g.Initializer("x", [1f, 2f, 3f], 3));
        Assert.Throws<ArgumentException>(() => g.Int64Initializer("x", [1L], 1));
    }

    [Fact]
    public void DuplicateInitializerNameThrows()
    {
        var g = new OnnxGraphBuilder("dup");
        g.Initializer("w", [1f, 2f], 2);
        Assert.Throws<ArgumentException>(() => g.Initializer("w", [1f, 2f], 2));
        g.Int64Initializer("shape", [1L, 2L], 2);
        Assert.Throws<ArgumentException>(() => g.Int64Initializer("shape", [1L, 2L], 2));
    }

    [Fact]
    public void OutputNamedLikeAnExistingValueThrows()
    {
        var g = new OnnxGraphBuilder("dup");
        var x = g.Input("x", 3);
        g.Initializer("w", [1f, 2f, 3f], 3);
        var y = g.Relu(x);
        Assert.Throws<ArgumentException>(() => g.Output("w", y, 3));
        Assert.Throws<ArgumentException>(() => g.Output("x", y, 3));
        g.Output("out", y, 3);
        Assert.Throws<ArgumentException>(() => g.Output("out", g.Relu(y), 3));
    }

    [Fact]
    public void GeneratedNameTakenByTheUserThrows()
    {
        var g = new OnnxGraphBuilder("dup");
        var relu = g.Relu(g.Input("x", 3));
        Assert.Throws<ArgumentException>(() => g.Initializer(relu, [1f, 2f, 3f], 3));
    }

    [Theory]
    [InlineData(5, new long[] { 2, 3 })] // too few
    [InlineData(7, new long[] { 2, 3 })] // too many
    [InlineData(2, new long[] { })] // a scalar holds one value
    [InlineData(1, new long[] { 2, 0 })] // an empty tensor holds none
    public void InitializerElementCountMismatchThrows(int count, long[] dims)
    {
        var g = new OnnxGraphBuilder("count");
        Assert.Throws<ArgumentException>(() => g.Initializer("w", new float[count], dims));
        Assert.Throws<ArgumentException>(() => g.Int64Initializer("i", new long[count], dims));

        // A failed call claims nothing: the names stay free.
        g.Initializer("w", [1f], 1);
        g.Int64Initializer("i", [1L], 1);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void BlankNamesThrow(string name)
    {
        Assert.Throws<ArgumentException>(() => new OnnxGraphBuilder(name));
        var g = new OnnxGraphBuilder("blank");
        Assert.Throws<ArgumentException>(() => g.Input(name, 3));
        Assert.Throws<ArgumentException>(() => g.Initializer(name, [1f], 1));
    }

    /// <summary>
    /// Regression: Pad used to claim its generated pads initializer name twice (Fresh, then Int64Initializer),
    /// so every Pad threw "already has a value named 'pads_N'".
    /// </summary>
    [Fact]
    public void SeveralPadsInOneGraph()
    {
        long[] channels = [0, 0, 0, 0, 0, 2, 0, 0];
        long[] spatial = [0, 0, 1, 0, 0, 0, 0, 1];
        OrtHarness.Verify(new OnnxCase
        {
            Name = "Pad twice, next to a user value named pads_0",
            Inputs = [("x", [2, 4, 5])],
            Build = (g, x) =>
            {
                g.Initializer("pads_0", [0f], 1); // the generated names have to step around it
                return g.Pad(g.Pad(x[0], channels), spatial);
            },
            Reference = x => Reference.Pad(Reference.Pad(x[0], channels), spatial),
        }, log, 40);
    }
}
