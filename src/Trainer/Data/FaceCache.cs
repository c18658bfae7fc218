using System.Collections.Concurrent;
using FaceGrains.Recognition;
using FaceGrains.Recognition.Detection;
using FaceGrains.Recognition.Images;
using FaceGrains.Recognition.Preprocessing;

namespace FaceGrains.Trainer.Data;

/// <summary>
/// Every training face decoded once and kept in memory, already cut with the model's crop and resized to
/// <see cref="CacheScale"/> × the input size, so an epoch decodes nothing. Under an aligning recipe each face goes
/// through the serving path's <see cref="FacePreparer"/> (largest face, aligned onto the recipe's template scaled to
/// the cache size: the same framing the model sees, at a finer grid); those chips are also kept on disk under
/// <c>&lt;home&gt;/cache/train-faces/</c>, keyed by the recipe and every file's path, size and time, so the next run
/// detects nothing. Images the decoder refuses and photos without a face are left out and listed in <see cref="Skipped"/>.
/// </summary>
public sealed class FaceCache
{
    public const double CacheScale = 1.25;

    private readonly RgbImage?[] _faces;

    private FaceCache(RgbImage?[] faces, IReadOnlyList<string> skipped)
    {
        _faces = faces;
        Skipped = skipped;
    }

    public IReadOnlyList<string> Skipped { get; }

    public RgbImage? this[int index] => _faces[index];

    public static FaceCache Build(IReadOnlyList<FaceSample> samples, PreprocessingSpec spec, CropPolicy crop, int threads, Action<string>? log = null)
    {
        var side = (int)Math.Ceiling(Math.Max(spec.Width, spec.Height) * CacheScale);
        if (spec.FaceCropMode == FaceCropMode.Align)
        {
            return BuildAligned(samples, spec, side, threads, log);
        }

        var faces = new RgbImage?[samples.Count];
        var skipped = new ConcurrentBag<string>();
        Parallel.For(0, samples.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) }, i =>
        {
            var image = TryDecode(samples[i].Path, out var reason);
            if (image is null)
            {
                skipped.Add($"{samples[i].Path}: {reason}");
                return;
            }

            faces[i] = Preprocessor.CropAndResize(image, crop, side, side);
        });
        return new FaceCache(faces, skipped.Order(StringComparer.Ordinal).ToList());
    }

    private const string DiskMagic = "FGTF1";

    private static FaceCache BuildAligned(IReadOnlyList<FaceSample> samples, PreprocessingSpec spec, int side, int threads, Action<string>? log)
    {
        // The model's template at the cache size: the chip shows exactly what the model sees, on a finer grid.
        var cacheSpec = spec with { Width = side, Height = side, AlignTemplate = spec.AlignTemplate!.Scaled(side) };
        var home = FaceGrainsHome.Resolve();
        var path = Path.Combine(home.CacheDirectory, "train-faces", DiskKey(samples, cacheSpec) + ".bin");
        if (TryLoad(path, samples.Count, side) is { } cached)
        {
            log?.Invoke($"aligned training faces read from {path}");
            return cached;
        }

        var faces = new RgbImage?[samples.Count];
        var reasons = new string?[samples.Count];
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using (var preparer = FacePreparer.Open(cacheSpec, home, intraOpThreads: 1, log))
        {
            Parallel.For(0, samples.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) }, i =>
            {
                var image = TryDecode(samples[i].Path, out var reason);
                if (image is null)
                {
                    reasons[i] = reason;
                    return;
                }

                var photo = preparer.Prepare(image, FaceSelection.Largest);
                if (!photo.HasFaces)
                {
                    reasons[i] = photo.Message;
                    return;
                }

                faces[i] = photo.Faces[0].Image;
            });
        }

        log?.Invoke($"{samples.Count} training faces detected and aligned in {clock.Elapsed.TotalSeconds:F0} s ({faces.Count(f => f is null)} without a face or unreadable); kept in {path}");
        var lines = Enumerable.Range(0, samples.Count).Select(i => reasons[i] is null ? null : $"{samples[i].Path}: {reasons[i]}").ToArray();
        Save(path, faces, lines, side);
        return new FaceCache(faces, lines.OfType<string>().Order(StringComparer.Ordinal).ToList());
    }

    private static string DiskKey(IReadOnlyList<FaceSample> samples, PreprocessingSpec cacheSpec)
    {
        using var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        void Add(string text) => sha.AppendData(System.Text.Encoding.UTF8.GetBytes(text + "\n"));
        Add(DiskMagic);
        Add(System.Text.Json.JsonSerializer.Serialize(cacheSpec));
        foreach (var s in samples)
        {
            var info = new FileInfo(s.Path);
            Add($"{Path.GetFullPath(s.Path)}|{(info.Exists ? info.Length : -1)}|{(info.Exists ? info.LastWriteTimeUtc.Ticks : 0)}");
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    private static void Save(string path, RgbImage?[] faces, string?[] reasons, int side)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var temp = path + "." + Environment.ProcessId + ".tmp";
            using (var w = new BinaryWriter(File.Create(temp)))
            {
                w.Write(DiskMagic);
                w.Write(faces.Length);
                w.Write(side);
                for (var i = 0; i < faces.Length; i++)
                {
                    w.Write(faces[i] is not null);
                    if (faces[i] is { } f)
                    {
                        w.Write(f.Pixels);
                    }
                    else
                    {
                        w.Write(reasons[i] ?? "");
                    }
                }
            }

            File.Move(temp, path, overwrite: true);
        }
        catch (IOException)
        {
            // A cache that cannot be written only costs the next run the detection time.
        }
    }

    private static FaceCache? TryLoad(string path, int count, int side)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using var r = new BinaryReader(File.OpenRead(path));
            if (r.ReadString() != DiskMagic || r.ReadInt32() != count || r.ReadInt32() != side)
            {
                return null;
            }

            var faces = new RgbImage?[count];
            var skipped = new List<string>();
            for (var i = 0; i < count; i++)
            {
                if (r.ReadBoolean())
                {
                    var pixels = r.ReadBytes(side * side * 3);
                    if (pixels.Length != side * side * 3)
                    {
                        return null;
                    }

                    faces[i] = new RgbImage(side, side, pixels);
                }
                else
                {
                    skipped.Add(r.ReadString());
                }
            }

            return new FaceCache(faces, skipped.Order(StringComparer.Ordinal).ToList());
        }
        catch (Exception e) when (e is IOException or EndOfStreamException or ArgumentException)
        {
            return null; // a damaged cache file is rebuilt
        }
    }

    /// <summary>The same faces, re-indexed to <paramref name="indices"/>.</summary>
    public FaceCache Subset(IReadOnlyList<int> indices) => new(indices.Select(i => _faces[i]).ToArray(), Skipped);

    public static RgbImage? TryDecode(string path, out string reason)
    {
        try
        {
            reason = "";
            return ImageDecoder.DecodeFile(path);
        }
        catch (Exception e) when (e is ImageRejectedException or IOException or UnauthorizedAccessException or InvalidDataException)
        {
            reason = e.Message;
            return null;
        }
    }
}
