namespace FaceGrains.Recognition.Embedding;

/// <summary>
/// One face through one model version: the model's own output (<see cref="Raw"/>, kept so its
/// magnitude can be studied) and the L2-normalised vector the gallery compares (<see cref="Normalized"/>).
/// </summary>
public sealed record FaceEmbedding(float[] Raw, float[] Normalized);
