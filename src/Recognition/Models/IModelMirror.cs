namespace FaceGrains.Recognition.Models;

/// <summary>
/// Where a <see cref="ModelStore"/> shares its versions with stores on other machines (silos and tools that do not
/// share a folder): <see cref="BlobModelMirror"/> for the <c>azure</c> profile. A version is the files of its folder
/// (the ONNX file, the manifest, the impostor tail…), held by version id; the manifest is written last, so a version
/// whose manifest is there is whole.
/// </summary>
public interface IModelMirror
{
    /// <summary>Where the versions are, for messages (never a secret).</summary>
    string Describe { get; }

    /// <summary>Ids of the whole versions held.</summary>
    IReadOnlyList<string> ListIds();

    /// <summary>The names of a version's files.</summary>
    IReadOnlyList<string> ListFiles(string versionId);

    /// <summary>A small file of a version as text (manifest, impostor tail), or null when the mirror lacks it.</summary>
    string? ReadText(string versionId, string fileName);

    /// <summary>Writes a version's file to <paramref name="path"/>.</summary>
    void Download(string versionId, string fileName, string path);

    /// <summary>Adds or replaces a version's file.</summary>
    void Upload(string versionId, string fileName, string path);

    /// <summary>Adds or replaces a small file of a version.</summary>
    void UploadText(string versionId, string fileName, string text);
}
