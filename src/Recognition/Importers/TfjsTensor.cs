namespace FaceGrains.Recognition.Importers;

/// <summary>One dequantised tensor from a TensorFlow.js weights file, in TF's own layout (e.g. conv filters [kh, kw, in, out]).</summary>
public sealed record TfjsTensor(string Name, int[] Shape, float[] Values)
{
    public int ElementCount => Values.Length;
}
