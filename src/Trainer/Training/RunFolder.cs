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
}
