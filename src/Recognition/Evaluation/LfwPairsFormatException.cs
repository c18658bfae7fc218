namespace FaceGrains.Recognition.Evaluation;

/// <summary>A <c>pairs.txt</c> that does not follow the LFW View 2 layout; says where.</summary>
public sealed class LfwPairsFormatException : FormatException
{
    public LfwPairsFormatException(string source, int lineNumber, string problem)
        : base($"{source}, line {lineNumber}: {problem}")
    {
        PairsFile = source;
        LineNumber = lineNumber;
    }

    public LfwPairsFormatException()
    {
    }

    public LfwPairsFormatException(string message)
        : base(message)
    {
    }

    public LfwPairsFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The file (or other source) that was being read.</summary>
    public string? PairsFile { get; }

    /// <summary>1-based line number of the offending line (0 when not tied to a line).</summary>
    public int LineNumber { get; }
}
