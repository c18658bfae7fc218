namespace FaceGrains.Recognition.Models;

public sealed class ModelNotFoundException(string message) : Exception(message);
