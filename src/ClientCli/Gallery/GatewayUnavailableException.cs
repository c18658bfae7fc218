namespace FaceGrains.ClientCli.Gallery;

/// <summary>No silo gateway answered: a user error (start the silo, or point --gateway at one), not a bug.</summary>
public sealed class GatewayUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
