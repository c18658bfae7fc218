using System.Buffers;
using System.Collections.Concurrent;
using System.Numerics.Tensors;
using FaceGrains.Recognition.Images;
using FaceGrains.Recognition.Models;
using FaceGrains.Recognition.Preprocessing;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace FaceGrains.Recognition.Embedding;

/// <summary>
/// Runs one model version: images or ready-made NCHW tensors in, raw and L2-normalised embeddings out.
/// One ONNX Runtime session per instance; safe to call from many threads at once.
/// </summary>
/// <remarks>
/// Concurrency: ONNX Runtime sessions accept concurrent <c>Run</c> calls, so instead of a lock each
/// concurrent caller rents its own <see cref="EmbedderBuffers"/> from a small pool. A lock would
/// serialise callers and leave cores (or the GPU) idle whenever the intra-op thread count is below
/// the core count, which is how several embedders on one silo are meant to be configured.
/// Dispose only once no call is in flight: the session's native memory goes with it.
/// </remarks>
public sealed class FaceEmbedder : IDisposable
{
    private const string CpuProviderName = "CPUExecutionProvider";
    private const string CudaProviderName = "CUDAExecutionProvider";
    private const int ImageChannels = 3;
    private const int BatchAxis = 0;
    private const int EmbeddingAxis = 1;
    private const int InputRank = 4;
    private const int OutputRank = 2;

    /// <summary>
    /// Buffer sets kept between calls. More concurrent callers than cores cannot run faster, so sets beyond
    /// this are made for the moment and released, rather than held (each is a full batch of input images).
    /// </summary>
    private static readonly int RetainedBufferSets = Environment.ProcessorCount;

    private readonly InferenceSession session;
    private readonly SessionOptions sessionOptions;
    private readonly string[] inputNames;
    private readonly string[] outputNames;
    private readonly int batchCapacity;
    private readonly int fixedBatch;
    private readonly int height;
    private readonly int width;
    private readonly ConcurrentBag<EmbedderBuffers> pool = [];
    private int pooled;
    private bool disposed;

    public FaceEmbedder(ModelVersion version, EmbedderOptions options)
    {
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        version.Manifest.Validate();

        Version = version;
        Options = options;
        EmbeddingSize = version.Manifest.EmbeddingSize;
        inputNames = [version.Manifest.InputName];
        outputNames = [version.Manifest.OutputName];

        if (!File.Exists(version.OnnxPath))
        {
            throw new InvalidModelException(version.OnnxPath, "the file does not exist.");
        }

        CheckOnnxHash(version);

        sessionOptions = CreateSessionOptions(options, out var providers);
        Providers = providers;
        try
        {
            session = LoadSession(version.OnnxPath, sessionOptions);
            (fixedBatch, height, width) = CheckContract(session, version);
            batchCapacity = fixedBatch > 0 ? fixedBatch : options.MaxBatchSize;
            MaxBatchSize = Math.Min(options.MaxBatchSize, batchCapacity);
            ProbeOutputShape();
        }
        catch
        {
            session?.Dispose();
            sessionOptions.Dispose();
            throw;
        }
    }

    public ModelVersion Version { get; }

    public ModelManifest Manifest => Version.Manifest;

    public EmbedderOptions Options { get; }

    /// <summary>Floats per embedding, from the manifest and checked against the model.</summary>
    public int EmbeddingSize { get; }

    /// <summary>Floats per input image: 3 × height × width.</summary>
    public int InputSize => ImageChannels * height * width;

    /// <summary>Images per inference call: the option, or the model's fixed batch size if it has a smaller one.</summary>
    public int MaxBatchSize { get; }

    /// <summary>The execution providers registered with the session, in priority order (ONNX Runtime falls back along it per node).</summary>
    public IReadOnlyList<string> Providers { get; }

    /// <summary>
    /// Embeds <paramref name="count"/> preprocessed images laid out NCHW in <paramref name="inputNchw"/>
    /// (exactly count × <see cref="InputSize"/> floats). Writes count × <see cref="EmbeddingSize"/> floats of the
    /// model's own output to <paramref name="raw"/> and the same rows L2-normalised to <paramref name="normalized"/>
    /// (a zero row stays zero). Inputs longer than <see cref="MaxBatchSize"/> run as several batches.
    /// </summary>
    public void EmbedTensors(ReadOnlySpan<float> inputNchw, int count, Span<float> raw, Span<float> normalized)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var inputSize = InputSize;
        if (inputNchw.Length != checked(count * inputSize))
        {
            throw new ArgumentException($"Expected {count} × {inputSize} = {(long)count * inputSize} input floats (NCHW, 3×{height}×{width}), got {inputNchw.Length}.", nameof(inputNchw));
        }

        var outputFloats = checked(count * EmbeddingSize);
        if (raw.Length < outputFloats || normalized.Length < outputFloats)
        {
            throw new ArgumentException($"Output spans need at least {count} × {EmbeddingSize} = {outputFloats} floats; raw has {raw.Length}, normalized {normalized.Length}.");
        }

        if (count == 0)
        {
            return;
        }

        var buffers = Rent();
        try
        {
            for (var start = 0; start < count; start += MaxBatchSize)
            {
                var batch = Math.Min(MaxBatchSize, count - start);
                inputNchw.Slice(start * inputSize, batch * inputSize).CopyTo(buffers.Input);
                Infer(buffers, batch);
                var rows = batch * EmbeddingSize;
                var output = buffers.Output.AsSpan(0, rows);
                output.CopyTo(raw.Slice(start * EmbeddingSize, rows));
                NormalizeRows(output, EmbeddingSize, normalized.Slice(start * EmbeddingSize, rows));
            }
        }
        finally
        {
            Return(buffers);
        }
    }

    /// <summary>Faces prepared by this version's <see cref="Detection.FacePreparer"/>, embedded: the served path's embedding.</summary>
    public FaceEmbedding[] Embed(IReadOnlyList<Detection.PreparedFace> faces)
    {
        ArgumentNullException.ThrowIfNull(faces);
        return Embed(faces.Select(f => f.Image).ToList(), faces.Select(f => f.Crop).ToList());
    }

    /// <summary>
    /// Low-level: preprocesses each image with <paramref name="crop"/> (or the manifest's fixed crop) and the rest of the
    /// recipe straight into the batch input buffer, and embeds it. The caller chooses the crop, so application paths
    /// go through <see cref="Detection.FacePreparer"/> instead; this serves tests of the model itself.
    /// </summary>
    public FaceEmbedding[] Embed(IReadOnlyList<RgbImage> faces, CropPolicy? crop = null)
    {
        ArgumentNullException.ThrowIfNull(faces);
        crop?.Validate();
        return Embed(faces, faces.Select(_ => crop).ToList());
    }

    private FaceEmbedding[] Embed(IReadOnlyList<RgbImage> faces, IReadOnlyList<CropPolicy?> crops)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        var results = new FaceEmbedding[faces.Count];
        if (faces.Count == 0)
        {
            return results;
        }

        var spec = Manifest.Preprocessing;
        var inputSize = InputSize;
        var buffers = Rent();
        try
        {
            for (var start = 0; start < faces.Count; start += MaxBatchSize)
            {
                var batch = Math.Min(MaxBatchSize, faces.Count - start);
                for (var i = 0; i < batch; i++)
                {
                    var face = faces[start + i] ?? throw new ArgumentException($"Face {start + i} is null.", nameof(faces));
                    Preprocessor.ToTensor(face, spec, crops[start + i], buffers.Input.AsSpan(i * inputSize, inputSize));
                }

                Infer(buffers, batch);
                for (var i = 0; i < batch; i++)
                {
                    var row = buffers.Output.AsSpan(i * EmbeddingSize, EmbeddingSize);
                    var normalized = new float[EmbeddingSize];
                    NormalizeRows(row, EmbeddingSize, normalized);
                    results[start + i] = new FaceEmbedding(row.ToArray(), normalized);
                }
            }
        }
        finally
        {
            Return(buffers);
        }

        return results;
    }

    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        while (pool.TryTake(out var buffers))
        {
            buffers.Dispose();
        }

        session.Dispose();
        sessionOptions.Dispose();
    }

    /// <summary>
    /// Writes each row of <paramref name="rows"/> divided by its L2 norm to <paramref name="destination"/>;
    /// a zero row stays zero, since it has no direction to keep.
    /// </summary>
    internal static void NormalizeRows(ReadOnlySpan<float> rows, int rowLength, Span<float> destination)
    {
        for (var offset = 0; offset < rows.Length; offset += rowLength)
        {
            var row = rows.Slice(offset, rowLength);
            var target = destination.Slice(offset, rowLength);
            var norm = TensorPrimitives.Norm(row);
            if (!float.IsFinite(norm))
            {
                throw new InvalidOperationException($"The model produced a non-finite embedding (row {offset / rowLength}, norm {norm}); check the input tensor for NaN or infinity.");
            }

            if (norm == 0f)
            {
                target.Clear();
            }
            else
            {
                TensorPrimitives.Divide(row, norm, target);
            }
        }
    }

    /// <summary>The ONNX file must be the one the version id was computed over: a swapped or damaged file is refused at load.</summary>
    private static void CheckOnnxHash(ModelVersion version)
    {
        if (version.Manifest.OnnxSha256.Length == 0)
        {
            return; // a manifest built in memory, never published
        }

        using var file = File.OpenRead(version.OnnxPath);
        var actual = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(file));
        if (actual != version.Manifest.OnnxSha256)
        {
            throw new InvalidModelException(version.OnnxPath, $"its sha256 is {actual}, but model version {version.ShortId} was published with {version.Manifest.OnnxSha256}: the file was replaced or damaged.");
        }
    }

    /// <summary>The session settings every embedder and the benchmark's plain session share.</summary>
    internal static SessionOptions CreateSessionOptions(EmbedderOptions options, out IReadOnlyList<string> providers)
    {
        var sessionOptions = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            // Parallelism comes from batching and concurrent callers; parallel graph execution only adds contention.
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        };
        if (options.IntraOpNumThreads > 0)
        {
            sessionOptions.IntraOpNumThreads = options.IntraOpNumThreads;
        }

        if (options.ExecutionProvider != ExecutionProvider.Cuda)
        {
            providers = [CpuProviderName];
            return sessionOptions;
        }

        var available = OrtEnv.Instance().GetAvailableProviders();
        if (!available.Contains(CudaProviderName))
        {
            sessionOptions.Dispose();
            throw new ExecutionProviderUnavailableException(options.ExecutionProvider, available);
        }

        try
        {
            sessionOptions.AppendExecutionProvider_CUDA(options.CudaDeviceId);
        }
        catch (OnnxRuntimeException e)
        {
            // Present in the build but unable to load (no driver, wrong CUDA or cuDNN): same remedy, different cause.
            sessionOptions.Dispose();
            throw new ExecutionProviderUnavailableException(options.ExecutionProvider, available, e);
        }

        providers = [CudaProviderName, CpuProviderName];
        return sessionOptions;
    }

    private static InferenceSession LoadSession(string onnxPath, SessionOptions sessionOptions)
    {
        try
        {
            return new InferenceSession(onnxPath, sessionOptions);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidModelException(onnxPath, $"ONNX Runtime cannot load it as a model ({e.Message.Trim()}).", e);
        }
    }

    /// <summary>
    /// Checks the graph against the manifest: one float input [batch, 3, H, W] with H and W the preprocessing size,
    /// and a float output [batch, embedding size]. Returns the fixed batch size (0 when dynamic) and H, W.
    /// </summary>
    private static (int FixedBatch, int Height, int Width) CheckContract(InferenceSession session, ModelVersion version)
    {
        var manifest = version.Manifest;
        var path = version.OnnxPath;
        if (!session.InputMetadata.TryGetValue(manifest.InputName, out var input))
        {
            throw new InvalidModelException(path, $"the manifest's input '{manifest.InputName}' is not in the model, whose inputs are [{string.Join(", ", session.InputMetadata.Keys)}].");
        }

        if (session.InputMetadata.Count != 1)
        {
            throw new InvalidModelException(path, $"the model has inputs [{string.Join(", ", session.InputMetadata.Keys)}] but the embedder feeds only '{manifest.InputName}'.");
        }

        if (!session.OutputMetadata.TryGetValue(manifest.OutputName, out var output))
        {
            throw new InvalidModelException(path, $"the manifest's output '{manifest.OutputName}' is not in the model, whose outputs are [{string.Join(", ", session.OutputMetadata.Keys)}].");
        }

        var spec = manifest.Preprocessing;
        var expectedInput = $"float [batch, {ImageChannels}, {spec.Height}, {spec.Width}]";
        if (!IsFloatTensor(input) || input.Dimensions.Length != InputRank
            || !Fits(input.Dimensions[1], ImageChannels) || !Fits(input.Dimensions[2], spec.Height) || !Fits(input.Dimensions[3], spec.Width))
        {
            throw new InvalidModelException(path, $"input '{manifest.InputName}' is {Describe(input)}, but the manifest says {expectedInput}.");
        }

        var batch = input.Dimensions[BatchAxis];
        if (!IsFloatTensor(output) || output.Dimensions.Length != OutputRank
            || !Fits(output.Dimensions[BatchAxis], batch > 0 ? batch : -1) || !Fits(output.Dimensions[EmbeddingAxis], manifest.EmbeddingSize))
        {
            throw new InvalidModelException(path, $"output '{manifest.OutputName}' is {Describe(output)}, but the manifest says float [batch, {manifest.EmbeddingSize}].");
        }

        return (Math.Max(batch, 0), spec.Height, spec.Width);
    }

    /// <summary>A symbolic dimension (reported as -1 or 0) fits anything; a fixed one must equal the expectation.</summary>
    private static bool Fits(int actual, int expected) => actual <= 0 || expected <= 0 || actual == expected;

    private static bool IsFloatTensor(NodeMetadata node) => node.IsTensor && node.ElementDataType == TensorElementType.Float;

    private static string Describe(NodeMetadata node)
    {
        var dims = node.Dimensions.Select((d, i) => d > 0 ? d.ToString(System.Globalization.CultureInfo.InvariantCulture) : SymbolOrBatch(node, i));
        return node.IsTensor ? $"{node.ElementDataType.ToString().ToLowerInvariant()} [{string.Join(", ", dims)}]" : node.OnnxValueType.ToString();
    }

    private static string SymbolOrBatch(NodeMetadata node, int axis) =>
        node.SymbolicDimensions.Length > axis && !string.IsNullOrEmpty(node.SymbolicDimensions[axis]) ? node.SymbolicDimensions[axis] : "?";

    /// <summary>
    /// Runs one zero batch through ONNX Runtime's own output allocation, so a model whose metadata leaves the
    /// embedding size symbolic, or that fails at run time, is rejected at load rather than on the first request.
    /// </summary>
    private void ProbeOutputShape()
    {
        var batch = fixedBatch > 0 ? fixedBatch : 1;
        var zeros = new float[batch * InputSize];
        using var input = OrtValue.CreateTensorValueFromMemory(zeros, [batch, ImageChannels, height, width]);
        using var runOptions = new RunOptions();
        IDisposableReadOnlyCollection<OrtValue> results;
        try
        {
            results = session.Run(runOptions, inputNames, [input], outputNames);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidModelException(Version.OnnxPath, $"a test run on a zero batch of {batch} failed ({e.Message.Trim()}).", e);
        }

        using (results)
        {
            var shape = results.First().GetTensorTypeAndShape().Shape;
            if (shape.Length != OutputRank || shape[BatchAxis] != batch || shape[EmbeddingAxis] != EmbeddingSize)
            {
                throw new InvalidModelException(Version.OnnxPath, $"output '{Manifest.OutputName}' came out as [{string.Join(", ", shape)}] for a batch of {batch}, but the manifest says [batch, {EmbeddingSize}].");
            }
        }
    }

    /// <summary>
    /// The model's output for the first <paramref name="batch"/> inputs; when the recipe says
    /// <see cref="PreprocessingSpec.FlipAverage"/>, the mean of the outputs for each input and its mirror image (the input
    /// buffer is left mirrored).
    /// </summary>
    private void Infer(EmbedderBuffers buffers, int batch)
    {
        Run(buffers, batch);
        if (!Manifest.Preprocessing.FlipAverage)
        {
            return;
        }

        var rows = batch * EmbeddingSize;
        var plain = ArrayPool<float>.Shared.Rent(rows);
        try
        {
            buffers.Output.AsSpan(0, rows).CopyTo(plain);
            MirrorRows(buffers.Input.AsSpan(0, batch * InputSize), width);
            Run(buffers, batch);
            var output = buffers.Output.AsSpan(0, rows);
            TensorPrimitives.Add(output, plain.AsSpan(0, rows), output);
            TensorPrimitives.Multiply(output, 0.5f, output);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(plain);
        }
    }

    /// <summary>Reverses every row of <paramref name="width"/> floats: an NCHW tensor mirrored left to right.</summary>
    internal static void MirrorRows(Span<float> tensor, int width)
    {
        for (var offset = 0; offset + width <= tensor.Length; offset += width)
        {
            tensor.Slice(offset, width).Reverse();
        }
    }

    private void Run(EmbedderBuffers buffers, int batch)
    {
        var runBatch = batch;
        if (fixedBatch > 0)
        {
            buffers.Input.AsSpan(batch * InputSize, (fixedBatch - batch) * InputSize).Clear();
            runBatch = fixedBatch;
        }

        var (inputs, outputs) = buffers.ValuesFor(runBatch);
        session.Run(buffers.RunOptions, inputNames, inputs, outputNames, outputs);
    }

    private EmbedderBuffers Rent()
    {
        if (pool.TryTake(out var buffers))
        {
            Interlocked.Decrement(ref pooled);
            return buffers;
        }

        return new EmbedderBuffers(batchCapacity, ImageChannels, height, width, EmbeddingSize);
    }

    private void Return(EmbedderBuffers buffers)
    {
        if (!disposed && Interlocked.Increment(ref pooled) <= RetainedBufferSets)
        {
            pool.Add(buffers);
            return;
        }

        Interlocked.Decrement(ref pooled);
        buffers.Dispose();
    }
}
