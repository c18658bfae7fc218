namespace FaceGrains.Recognition.Detection;

/// <summary>One detector answer: a box in image pixels and the face probability.</summary>
public sealed record DetectedFace(FaceBox Box, float Score);
