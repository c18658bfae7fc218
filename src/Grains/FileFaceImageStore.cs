namespace FaceGrains.Grains;

/// <summary>
/// Face images as files <c>&lt;root&gt;/&lt;sha256&gt;</c> (root = <c>&lt;Home&gt;/faces</c>). Content-addressed, so two silos
/// writing the same face write the same bytes; each write goes to a temporary file and is renamed into place.
/// </summary>
public sealed class FileFaceImageStore : IFaceImageStore
{
    public FileFaceImageStore(string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Root = Path.GetFullPath(root);
    }

    public string Root { get; }

    public string PathOf(string faceId) => Path.Combine(Root, CheckedId(faceId));

    /// <summary>The face id, refused unless it is sha256 hex (so no name can escape the folder or container).</summary>
    public static string CheckedId(string faceId) => faceId is { Length: 64 } && faceId.All(char.IsAsciiHexDigitLower)
        ? faceId
        : throw new ArgumentException($"'{faceId}' is not a face id (64 lower-case hex digits).", nameof(faceId));

    public async Task<string> SaveAsync(string faceId, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken = default)
    {
        var path = PathOf(faceId);
        if (File.Exists(path))
        {
            return path;
        }

        Directory.CreateDirectory(Root);
        var temp = Path.Combine(Root, $".{faceId}.{Guid.NewGuid():N}.tmp");
        await File.WriteAllBytesAsync(temp, bytes, cancellationToken);
        File.Move(temp, path, overwrite: true);
        return path;
    }

    public async Task<byte[]?> ReadAsync(string faceId, CancellationToken cancellationToken = default)
    {
        var path = PathOf(faceId);
        return File.Exists(path) ? await File.ReadAllBytesAsync(path, cancellationToken) : null;
    }

    public Task<bool> ExistsAsync(string faceId, CancellationToken cancellationToken = default) => Task.FromResult(File.Exists(PathOf(faceId)));

    public Task DeleteAsync(string faceId, CancellationToken cancellationToken = default)
    {
        File.Delete(PathOf(faceId));
        return Task.CompletedTask;
    }
}
