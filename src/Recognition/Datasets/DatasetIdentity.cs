namespace FaceGrains.Recognition.Datasets;

/// <summary>One identity of a folder dataset: its name (the folder) and its image files.</summary>
public sealed record DatasetIdentity(string Name, IReadOnlyList<string> ImagePaths);
