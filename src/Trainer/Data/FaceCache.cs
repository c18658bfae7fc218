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
/// the cache size: the same framing the model sees, at a finer grid); what the preparer made of each photo is kept in
/// a <see cref="PreparedPhotoCache"/> under <c>&lt;home&gt;/cache/prepared-faces/</c> (keyed by its pixels and the
/// recipe), so the next run of the recipe detects nothing. Images the decoder refuses and photos without a face are left out and listed in <see cref="Skipped"/>.
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

    private static FaceCache BuildAligned(IReadOnlyList<FaceSample> samples, PreprocessingSpec spec, int side, int threads, Action<string>? log)
    {
        // The model's template at the cache size: the chip shows exactly what the model sees, on a finer grid.
        var cacheSpec = spec with { Width = side, Height = side, AlignTemplate = spec.AlignTemplate!.Scaled(side) };
        var home = FaceGrainsHome.Resolve();
        var faces = new RgbImage?[samples.Count];
        var skipped = new ConcurrentBag<string>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var preparer = FacePreparer.Open(cacheSpec, home, intraOpThreads: 1, log);
        var cache = new PreparedPhotoCache(Path.Combine(home.CacheDirectory, PreparedFacesFolder));
        preparer.Cache = cache;
        Parallel.For(0, samples.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) }, i =>
        {
            var image = TryDecode(samples[i].Path, out var reason);
            if (image is null)
            {
                skipped.Add($"{samples[i].Path}: {reason}");
                return;
            }

            var photo = preparer.Prepare(image, FaceSelection.Largest);
            if (!photo.HasFaces)
            {
                skipped.Add($"{samples[i].Path}: {photo.Message}");
                return;
            }

            faces[i] = photo.Faces[0].Image;
        });
        log?.Invoke($"{samples.Count} training faces aligned in {clock.Elapsed.TotalSeconds:F0} s ({cache.Hits} from {cache.Directory}, {cache.Misses} detected; {skipped.Count} without a face or unreadable)");
        return new FaceCache(faces, skipped.Order(StringComparer.Ordinal).ToList());
    }

    /// <summary>Where training and validation keep what the preparer made of each photo: <c>&lt;home&gt;/cache/prepared-faces</c>.</summary>
    public const string PreparedFacesFolder = "prepared-faces";

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
