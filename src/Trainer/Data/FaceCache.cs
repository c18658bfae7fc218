using System.Collections.Concurrent;
using FaceGrains.Recognition.Images;
using FaceGrains.Recognition.Preprocessing;

namespace FaceGrains.Trainer.Data;

/// <summary>
/// Every training face decoded once and kept in memory, already cut with the model's crop and resized to
/// <see cref="CacheScale"/> × the input size, so an epoch decodes nothing. Images the decoder refuses are
/// left out and listed in <see cref="Skipped"/>.
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

    public static FaceCache Build(IReadOnlyList<FaceSample> samples, PreprocessingSpec spec, CropPolicy crop, int threads)
    {
        var side = (int)Math.Ceiling(Math.Max(spec.Width, spec.Height) * CacheScale);
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
