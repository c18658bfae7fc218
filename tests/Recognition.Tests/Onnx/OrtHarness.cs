using FaceGrains.Recognition.Onnx;
using Microsoft.ML.OnnxRuntime;
using Xunit;
using Xunit.Abstractions;

namespace FaceGrains.Recognition.Tests.Onnx;

/// <summary>One graph under test: its inputs (dims after the batch dimension), how to build it, how to compute it by hand.</summary>
internal sealed class OnnxCase
{
    public required string Name { get; init; }

    public required (string Name, int[] Dims)[] Inputs { get; init; }

    /// <summary>Adds the nodes to the builder given the graph input names; returns the value that becomes output "y".</summary>
    public required Func<OnnxGraphBuilder, string[], string> Build { get; init; }

    /// <summary>The reference forward pass over the batched inputs, in the order of <see cref="Inputs"/>.</summary>
    public required Func<RefTensor[], RefTensor> Reference { get; init; }

    public float InputScale { get; init; } = 1f;
}

/// <summary>Writes a case with <see cref="OnnxGraphBuilder"/>, runs it in ONNX Runtime and compares with the reference.</summary>
internal static class OrtHarness
{
    public const double Tolerance = 1e-5;

    public const string OutputName = "y";

    /// <summary>Batch sizes each model is run with; the batch dimension is symbolic so both must work on one session.</summary>
    public static readonly int[] BatchSizes = [2, 3];

    /// <summary>
    /// Each model is loaded twice: with graph optimisations off (every node runs as written) and with all
    /// of them on (constant folding and fusions also have to read the attributes right).
    /// </summary>
    public static readonly GraphOptimizationLevel[] Levels = [GraphOptimizationLevel.ORT_DISABLE_ALL, GraphOptimizationLevel.ORT_ENABLE_ALL];

    public static string Const(this OnnxGraphBuilder builder, string name, RefTensor value) =>
        builder.Initializer(name, value.Data, value.LongShape);

    public static InferenceSession Load(byte[] model, GraphOptimizationLevel level = GraphOptimizationLevel.ORT_DISABLE_ALL)
    {
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = level,
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        };
        return new InferenceSession(model, options);
    }

    public static RefTensor Run(InferenceSession session, IReadOnlyList<(string Name, RefTensor Value)> inputs, string output = OutputName) =>
        Run(session, inputs, [output])[0];

    public static RefTensor[] Run(InferenceSession session, IReadOnlyList<(string Name, RefTensor Value)> inputs, string[] outputs)
    {
        var values = new Dictionary<string, OrtValue>();
        try
        {
            foreach (var (name, value) in inputs)
            {
                values[name] = OrtValue.CreateTensorValueFromMemory(value.Data, value.LongShape);
            }

            using var runOptions = new RunOptions();
            using var results = session.Run(runOptions, values, outputs);
            return results
                .Select(r => new RefTensor(
                    r.GetTensorTypeAndShape().Shape.Select(d => checked((int)d)).ToArray(),
                    r.GetTensorDataAsSpan<float>().ToArray()))
                .ToArray();
        }
        finally
        {
            foreach (var value in values.Values)
            {
                value.Dispose();
            }
        }
    }

    /// <summary>Builds the model for <paramref name="testCase"/>; the output's dims come from the reference at batch 1.</summary>
    public static byte[] BuildModel(OnnxCase testCase)
    {
        var builder = new OnnxGraphBuilder(testCase.Name.Replace(' ', '_'));
        var names = testCase.Inputs.Select(i => builder.Input(i.Name, i.Dims)).ToArray();
        var value = testCase.Build(builder, names);
        var probe = testCase.Reference(testCase.Inputs.Select(i => new RefTensor([1, .. i.Dims])).ToArray());
        builder.Output(OutputName, value, probe.Shape[1..]);
        return builder.ToBytes();
    }

    /// <summary>
    /// Runs <paramref name="testCase"/> at each batch size and optimisation level, asserts the shapes agree and
    /// the largest absolute difference is within <see cref="Tolerance"/>, logs and returns that difference.
    /// </summary>
    public static double Verify(OnnxCase testCase, ITestOutputHelper log, int seed)
    {
        var model = BuildModel(testCase);
        var max = 0.0;
        foreach (var level in Levels)
        {
            using var session = Load(model, level);
            foreach (var batch in BatchSizes)
            {
                var rng = new Random(seed + (1000 * batch));
                var inputs = testCase.Inputs
                    .Select(i => (i.Name, Value: RefTensor.Random(rng, testCase.InputScale, [batch, .. i.Dims])))
                    .ToArray();
                var expected = testCase.Reference(inputs.Select(i => i.Value).ToArray());
                Assert.Equal(batch, expected.Shape[0]);
                var actual = Run(session, inputs);
                Assert.Equal(expected.Shape, actual.Shape);
                var diff = RefTensor.MaxAbsDiff(expected, actual);
                Assert.True(diff <= Tolerance, $"{testCase.Name} (batch {batch}, {level}): max abs diff {diff:E3} > {Tolerance:E0}");
                max = Math.Max(max, diff);
            }
        }

        log.WriteLine($"MAXDIFF {testCase.Name}: {max:E3} (batches {string.Join("/", BatchSizes)}, optimisation off/all, {model.Length} bytes)");
        return max;
    }
}
