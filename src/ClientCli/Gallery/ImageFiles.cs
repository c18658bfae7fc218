using FaceGrains.Grains.Interfaces;
using FaceGrains.Recognition.Datasets;

namespace FaceGrains.ClientCli.Gallery;

/// <summary>Image files named on the command line: files as given, folders expanded to their image files (recursively, sorted).</summary>
public static class ImageFiles
{
    public static IReadOnlyList<string> Expand(IEnumerable<string> arguments)
    {
        var paths = new List<string>();
        foreach (var argument in arguments)
        {
            if (Directory.Exists(argument))
            {
                paths.AddRange(Directory.EnumerateFiles(argument, "*", SearchOption.AllDirectories)
                    .Where(FolderDataset.IsImageFile)
                    .Order(StringComparer.Ordinal));
            }
            else if (File.Exists(argument))
            {
                paths.Add(argument);
            }
            else
            {
                throw new FileNotFoundException($"no such file or folder: {argument}", argument);
            }
        }

        return paths;
    }

    public static FaceImage Read(string path) => new(File.ReadAllBytes(path), Path.GetFileName(path));
}
