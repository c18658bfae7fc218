namespace FaceGrains.Trainer.Data;

/// <summary>A batch as plain arrays (NCHW floats and labels), made by the loader thread; the training step turns it into tensors.</summary>
public sealed record TrainingBatch(float[] Images, long[] Labels, int Count);
