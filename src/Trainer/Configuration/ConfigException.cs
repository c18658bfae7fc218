namespace FaceGrains.Trainer.Configuration;

/// <summary>A config file that cannot start a run; the message names the key and what is allowed.</summary>
public sealed class ConfigException(string message) : Exception(message);
