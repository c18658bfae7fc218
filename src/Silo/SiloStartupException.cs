namespace FaceGrains.Silo;

/// <summary>
/// A start-up failure that the operator fixes (install npm, retry the download…), with a message of one line saying
/// what failed and what to do. <see cref="SiloApp.Run"/> prints it as <c>error: …</c> and exits with code 2.
/// </summary>
public sealed class SiloStartupException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The host logs a failed start with the exception: the message is the news, a stack trace through npm's process start is not.</summary>
    public override string ToString() => $"{GetType().FullName}: {Message}";
}
