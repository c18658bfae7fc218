namespace FaceGrains.Recognition.Onnx;

/// <summary>One node attribute: exactly one of the value fields is set.</summary>
internal sealed record OnnxAttribute(string Name)
{
    public long? Int { get; init; }

    public float? Float { get; init; }

    public string? String { get; init; }

    public long[]? Ints { get; init; }

    public float[]? Floats { get; init; }

    public static OnnxAttribute Of(string name, long value) => new(name) { Int = value };

    public static OnnxAttribute Of(string name, float value) => new(name) { Float = value };

    public static OnnxAttribute Of(string name, string value) => new(name) { String = value };

    public static OnnxAttribute Of(string name, IEnumerable<int> values) => new(name) { Ints = values.Select(v => (long)v).ToArray() };

    public static OnnxAttribute Of(string name, float[] values) => new(name) { Floats = values };
}
