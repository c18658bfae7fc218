namespace FaceGrains.Trainer.Training;

/// <summary>What a run writes, all in one folder: config, split, skipped images, metrics, curves, checkpoint, export.</summary>
public sealed record RunFolder(string Path)
{
    public string Config => System.IO.Path.Combine(Path, "config.json");
    public string Split => System.IO.Path.Combine(Path, "split.json");
    public string Skipped => System.IO.Path.Combine(Path, "skipped.txt");
    public string Metrics => System.IO.Path.Combine(Path, "metrics.jsonl");
    public string LossCurve => System.IO.Path.Combine(Path, "loss.png");
    public string EerCurve => System.IO.Path.Combine(Path, "val_eer.png");
    public string Checkpoint => System.IO.Path.Combine(Path, "checkpoint.fgckpt");
    public string Summary => System.IO.Path.Combine(Path, "run.json");
    public string ExportDirectory => System.IO.Path.Combine(Path, "export");
    public string OnnxPath => System.IO.Path.Combine(ExportDirectory, "model.onnx");
    public string ManifestPath => System.IO.Path.Combine(ExportDirectory, "manifest.json");

    public static RunFolder Create(string runsDirectory, string name)
    {
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture);
        var path = System.IO.Path.Combine(runsDirectory, $"{name}-{stamp}");
        for (var i = 2; Directory.Exists(path); i++)
        {
            path = System.IO.Path.Combine(runsDirectory, $"{name}-{stamp}-{i}");
        }

        Directory.CreateDirectory(path);
        return new RunFolder(System.IO.Path.GetFullPath(path));
    }

    /// <summary>
    /// The run an <c>init "run:…"</c> names: a run folder path, or a run name, meaning the newest folder
    /// <c>&lt;name&gt;-&lt;utc stamp&gt;</c> in <paramref name="runsDirectory"/> that holds a checkpoint.
    /// </summary>
    public static RunFolder Find(string reference, string runsDirectory)
    {
        if (Directory.Exists(reference))
        {
            var direct = new RunFolder(System.IO.Path.GetFullPath(reference));
            return File.Exists(direct.Checkpoint)
                ? direct
                : throw new CheckpointException($"run folder '{reference}' holds no checkpoint (checkpoint.fgckpt)");
        }

        var pattern = new System.Text.RegularExpressions.Regex("^" + System.Text.RegularExpressions.Regex.Escape(reference) + @"-\d{8}-\d{6}(-\d+)?$");
        var newest = (Directory.Exists(runsDirectory) ? Directory.GetDirectories(runsDirectory) : [])
            .Where(d => pattern.IsMatch(System.IO.Path.GetFileName(d)))
            .Select(d => new RunFolder(System.IO.Path.GetFullPath(d)))
            .Where(r => File.Exists(r.Checkpoint))
            .OrderByDescending(r => File.GetLastWriteTimeUtc(r.Checkpoint))
            .FirstOrDefault();
        return newest ?? throw new CheckpointException($"no run named '{reference}' with a checkpoint in {runsDirectory} (train that stage first, or give a run folder path)");
    }
}
