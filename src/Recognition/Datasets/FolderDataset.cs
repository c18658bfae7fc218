namespace FaceGrains.Recognition.Datasets;

/// <summary>
/// A folder-per-identity face set (ImageFolder layout): each top-level folder is one identity and every
/// image file below it, nested folders included (e.g. CFP's <c>&lt;id&gt;/frontal|profile/</c>), is one of its faces.
/// Files are listed in ordinal order so runs are reproducible.
/// </summary>
public sealed class FolderDataset
{
    private static readonly HashSet<string> ImageExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".jpg", ".jpeg", ".png", ".gif", ".bmp", ".webp", ".pgm", ".ppm",
    };

    private FolderDataset(string root, IReadOnlyList<DatasetIdentity> identities)
    {
        Root = root;
        Identities = identities;
    }

    public string Root { get; }

    public IReadOnlyList<DatasetIdentity> Identities { get; }

    public int ImageCount => Identities.Sum(i => i.ImagePaths.Count);

    /// <summary>Reads the layout under <paramref name="root"/>; identities with fewer than <paramref name="minImages"/> images are left out.</summary>
    public static FolderDataset Open(string root, int minImages = 1)
    {
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"Dataset folder '{root}' does not exist.");
        }

        var identities = new List<DatasetIdentity>();
        foreach (var dir in Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
        {
            var images = Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
                .Where(IsImageFile)
                .Order(StringComparer.Ordinal)
                .ToList();
            if (images.Count >= minImages && images.Count > 0)
            {
                identities.Add(new DatasetIdentity(Path.GetFileName(dir), images));
            }
        }

        if (identities.Count == 0)
        {
            throw new InvalidDataException($"No identity folder under '{root}' holds {minImages} or more images.");
        }

        return new FolderDataset(Path.GetFullPath(root), identities);
    }

    /// <summary>Image files by extension, plus extension-less files (the Yale set's "subject01.happy" are GIFs).</summary>
    public static bool IsImageFile(string path)
    {
        var name = Path.GetFileName(path);
        if (name.StartsWith('.'))
        {
            return false;
        }

        var extension = Path.GetExtension(path);
        return ImageExtensions.Contains(extension) || !ImageExtensions.Contains(extension) && LooksLikeImage(path);
    }

    private static bool LooksLikeImage(string path)
    {
        Span<byte> head = stackalloc byte[4];
        using var stream = File.OpenRead(path);
        var read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        if (read < 2)
        {
            return false;
        }

        return (head[0] == 'G' && head[1] == 'I') // GIF
            || (head[0] == 0xFF && head[1] == 0xD8) // JPEG
            || (head[0] == 0x89 && head[1] == 'P') // PNG
            || (head[0] == 'P' && head[1] is (byte)'2' or (byte)'5' or (byte)'3' or (byte)'6') // PGM/PPM
            || (head[0] == 'B' && head[1] == 'M'); // BMP
    }
}
