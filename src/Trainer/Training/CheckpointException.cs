namespace FaceGrains.Trainer.Training;

/// <summary>A checkpoint that cannot be trusted (truncated, altered, not a checkpoint, from another network).</summary>
public sealed class CheckpointException(string message) : Exception(message);
