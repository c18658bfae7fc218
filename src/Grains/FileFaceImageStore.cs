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

    public string PathOf(string faceId)
    {
        // Face ids are sha256 hex: refuse anything else rather than let a name escape the folder.
        if (faceId is not { Length: 64 } || !faceId.All(char.IsAsciiHexDigitLower))
        {
            throw new ArgumentException($"'{faceId}' is not a face id (64 lower-case hex digits).", nameof(faceId));
        }

        return Path.Combine(Root, faceId);
    }

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

    public bool Exists(string faceId) => File.Exists(PathOf(faceId));

    public Task DeleteAsync(string faceId, CancellationToken cancellationToken = default)
    {
        File.Delete(PathOf(faceId));
        return Task.CompletedTask;
    }
}
