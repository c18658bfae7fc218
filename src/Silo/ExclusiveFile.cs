namespace FaceGrains.Silo;

/// <summary>A lock between processes on one machine (or one shared directory): an exclusively opened file.</summary>
public static class ExclusiveFile
{
    public static FileStream Acquire(string path, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Thread.Sleep(200);
            }
        }
    }
}
