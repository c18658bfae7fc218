using System.Text.Json;
using FaceGrains.Grains.Interfaces;

namespace FaceGrains.Silo.Security;

/// <summary>
/// The audit log: one JSON line per change made through the API (enrolment, face removal, forget, model activation,
/// rollback, cancel, retire), with who (the key id), when (UTC), what (the action and its target) and the answer's
/// status code. Appended and flushed line by line to <c>FaceGrains:AuditLog</c> (default &lt;home&gt;/audit.jsonl); each
/// silo writes its own file for the requests it served.
/// </summary>
public sealed class AuditLog : IDisposable
{
    private readonly Lock gate = new();
    private readonly StreamWriter writer;

    public AuditLog(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        writer = new StreamWriter(new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
    }

    public string Path { get; }

    /// <summary>One audit entry, as written (snake_case, like every other JSON the gallery writes).</summary>
    public sealed record Entry(DateTimeOffset TimeUtc, string KeyId, string Action, string Target, int Status, string? Remote, string? Detail);

    public void Write(Entry entry)
    {
        var line = JsonSerializer.Serialize(entry, LineOptions);
        lock (gate)
        {
            writer.WriteLine(line);
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            writer.Dispose();
        }
    }

    private static readonly JsonSerializerOptions LineOptions = GalleryJson.Configure(new JsonSerializerOptions { WriteIndented = false });
}
