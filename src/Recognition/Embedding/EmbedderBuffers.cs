using Microsoft.ML.OnnxRuntime;

namespace FaceGrains.Recognition.Embedding;

/// <summary>
/// One caller's input and output memory for a <see cref="FaceEmbedder"/>: pinned arrays sized for the
/// largest batch, wrapped as ONNX Runtime tensors once per batch size and reused on every call,
/// so steady-state inference allocates no tensors.
/// </summary>
internal sealed class EmbedderBuffers : IDisposable
{
    private readonly int inputStride;
    private readonly int outputStride;
    private readonly int channels;
    private readonly int height;
    private readonly int width;
    private readonly OrtValue[]?[] inputValues;
    private readonly OrtValue[]?[] outputValues;

    public EmbedderBuffers(int capacity, int channels, int height, int width, int embeddingSize)
    {
        this.channels = channels;
        this.height = height;
        this.width = width;
        inputStride = channels * height * width;
        outputStride = embeddingSize;
        // Pinned-object-heap arrays: ONNX Runtime reads and writes them through raw pointers, and
        // allocating them pinned keeps them from fragmenting the ordinary heap while they live.
        Input = GC.AllocateArray<float>(checked(capacity * inputStride), pinned: true);
        Output = GC.AllocateArray<float>(checked(capacity * outputStride), pinned: true);
        inputValues = new OrtValue[]?[capacity + 1];
        outputValues = new OrtValue[]?[capacity + 1];
        RunOptions = new RunOptions();
    }

    /// <summary>Capacity × C × H × W floats, one image after another (NCHW).</summary>
    public float[] Input { get; }

    /// <summary>Capacity × embedding size floats, one row per image.</summary>
    public float[] Output { get; }

    public RunOptions RunOptions { get; }

    public int Capacity => inputValues.Length - 1;

    /// <summary>
    /// The tensors over the first <paramref name="batch"/> images, created on first use of that size, as the
    /// one-element lists <c>InferenceSession.Run</c> takes (kept too, so a call allocates nothing).
    /// </summary>
    public (OrtValue[] Inputs, OrtValue[] Outputs) ValuesFor(int batch)
    {
        var inputs = inputValues[batch] ??= [OrtValue.CreateTensorValueFromMemory(
            OrtMemoryInfo.DefaultInstance, Input.AsMemory(0, batch * inputStride), [batch, channels, height, width])];
        var outputs = outputValues[batch] ??= [OrtValue.CreateTensorValueFromMemory(
            OrtMemoryInfo.DefaultInstance, Output.AsMemory(0, batch * outputStride), [batch, outputStride])];
        return (inputs, outputs);
    }

    public void Dispose()
    {
        foreach (var values in inputValues.Concat(outputValues))
        {
            values?[0].Dispose();
        }

        RunOptions.Dispose();
    }
}
