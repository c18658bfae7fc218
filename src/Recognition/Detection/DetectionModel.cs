namespace FaceGrains.Recognition.Detection;

/// <summary>One stored detection-stage network (face detector or landmark net): its folder and description.</summary>
public sealed record DetectionModel(DetectionModelInfo Info, string Directory)
{
    public string Id => Info.Id;

    public string OnnxPath => Path.Combine(Directory, DetectionModelStore.OnnxFileName);

    /// <summary>Path of a companion file published with the model (e.g. the detector's anchors).</summary>
    public string FilePath(string name) => Path.Combine(Directory, name);
}
