namespace FaceGrains.Trainer.Data;

/// <summary>A dataset a run cannot start from (missing, empty, a single identity).</summary>
public sealed class DatasetException(string message) : Exception(message);
