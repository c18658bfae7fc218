namespace FaceGrains.Recognition.Images;

/// <summary>
/// How much an untrusted image may cost before decoding starts: the encoded size is checked before
/// the bytes are read, the pixel count from the header before any pixel memory is allocated.
/// </summary>
public sealed record ImageLimits
{
    public const long DefaultMaxBytes = 20_000_000;
    public const long DefaultMaxPixels = 40_000_000;

    /// <summary>Decoding goes through one RGBA array, so no limit may exceed what a single array can hold.</summary>
    public const long MaxSupportedPixels = int.MaxValue / 4;

    public static readonly ImageLimits Default = new();

    /// <summary>Largest encoded image accepted, in bytes.</summary>
    public long MaxBytes { get; init; } = DefaultMaxBytes;

    /// <summary>Largest width × height accepted.</summary>
    public long MaxPixels { get; init; } = DefaultMaxPixels;

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxBytes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxPixels);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxPixels, MaxSupportedPixels);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxBytes, (long)Array.MaxLength);
    }
}
