using System.Buffers;

namespace FaceGrains.Recognition.Images;

/// <summary>
/// A temporary byte buffer: rented from the shared pool for everyday image sizes, so batch decoding does not
/// churn the GC, but allocated outright above <see cref="PooledLimit"/>, so one huge image does not leave
/// huge arrays parked in the pool.
/// </summary>
internal readonly struct ScratchBytes : IDisposable
{
    /// <summary>16 MiB: an RGBA buffer for 4 megapixels, far above a face photo.</summary>
    public const int PooledLimit = 1 << 24;

    private readonly bool pooled;

    private ScratchBytes(byte[] array, int length, bool pooled)
    {
        Array = array;
        Length = length;
        this.pooled = pooled;
    }

    public byte[] Array { get; }

    public int Length { get; }

    public Span<byte> Span => Array.AsSpan(0, Length);

    public static ScratchBytes Rent(int length) =>
        length <= PooledLimit
            ? new ScratchBytes(ArrayPool<byte>.Shared.Rent(length), length, pooled: true)
            : new ScratchBytes(GC.AllocateUninitializedArray<byte>(length), length, pooled: false);

    public void Dispose()
    {
        if (pooled)
        {
            ArrayPool<byte>.Shared.Return(Array);
        }
    }
}
