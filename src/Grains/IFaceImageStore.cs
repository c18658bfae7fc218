namespace FaceGrains.Grains;

/// <summary>Where enrolled face images are kept, addressed by face id (sha256 of the bytes), so they can be re-embedded by later model versions.</summary>
public interface IFaceImageStore
{
    /// <summary>Stores the bytes under the face id (a no-op when already there) and returns the reference kept in identity state.</summary>
    Task<string> SaveAsync(string faceId, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken = default);

    /// <summary>The bytes, or null when absent.</summary>
    Task<byte[]?> ReadAsync(string faceId, CancellationToken cancellationToken = default);

    Task<bool> ExistsAsync(string faceId, CancellationToken cancellationToken = default);

    /// <summary>Deletes the image (no-op when absent).</summary>
    Task DeleteAsync(string faceId, CancellationToken cancellationToken = default);
}
