using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FaceGrains.Recognition.Images;
using FaceGrains.Recognition.Preprocessing;

namespace FaceGrains.Recognition.Detection;

/// <summary>
/// What <see cref="FacePreparer.Prepare"/> made of a photo, kept on disk so that evaluating a second model with the
/// same recipe on the same face set detects nothing (offline evaluation only: <c>--face-cache</c>). An entry is keyed
/// by the SHA-256 of the decoded pixels, the selection, the aligned flag, the recipe's preparation fields, the
/// detector's settings and the detection networks' ids, so a different image, way of cutting faces or detector setting can never be answered from it;
/// what it returns is what the preparer returned, field for field (a test compares the two). The recipe's tensor
/// fields (channel order, mean, std, resampling, flip averaging) are not in the key: the preparer's output does not
/// depend on them, so models that differ only there (two 112×112 ArcFace-template models) share entries.
/// </summary>
public sealed class PreparedPhotoCache(string directory)
{
    private const string Magic = "FGPP1";

    public string Directory { get; } = directory;

    public int Hits => _hits;

    public int Misses => _misses;

    private int _hits;
    private int _misses;

    /// <summary>
    /// What of a preparer goes into every key: the recipe's preparation fields (size, face crop, template, landmark
    /// input, fixed crop; the tensor fields set to their defaults), the detector settings (not its thread count) and
    /// <paramref name="networks"/>, the ids of the detection and landmark networks (content hashes: an importer that
    /// builds them differently makes new ids, so old entries are never answered). A preparer computes it once.
    /// </summary>
    public static string Describe(PreprocessingSpec recipe, FaceDetectorOptions? detector, string? networks = null)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        var preparation = recipe with
        {
            ChannelOrder = "rgb",
            Mean = [0f, 0f, 0f],
            Std = [1f, 1f, 1f],
            Resize = PreprocessingSpec.BilinearResize,
            FlipAverage = false,
        };
        return $"{JsonSerializer.Serialize(preparation)}|{(detector is null ? "" : JsonSerializer.Serialize(detector with { IntraOpNumThreads = 0 }))}{(networks is null ? "" : $"|{networks}")}";
    }

    /// <summary>The entry's name: SHA-256 of the decoded pixels, their size, the selection, aligned, and <paramref name="preparer"/> (<see cref="Describe"/>).</summary>
    public static string Key(RgbImage image, FaceSelection selection, bool aligned, string preparer)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes($"{Magic}|{selection}|{aligned}|{image.Width}x{image.Height}|{preparer}"));
        sha.AppendData(image.Pixels);
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    public PreparedPhoto? TryGet(string key)
    {
        var path = PathOf(key);
        if (!File.Exists(path))
        {
            Interlocked.Increment(ref _misses);
            return null;
        }

        try
        {
            using var r = new BinaryReader(File.OpenRead(path));
            var photo = Read(r);
            Interlocked.Increment(ref _hits);
            return photo;
        }
        catch (Exception e) when (e is IOException or EndOfStreamException or InvalidDataException or ArgumentException)
        {
            Interlocked.Increment(ref _misses);
            return null; // a damaged entry is prepared again and rewritten
        }
    }

    public void Put(string key, PreparedPhoto photo)
    {
        ArgumentNullException.ThrowIfNull(photo);
        var path = PathOf(key);
        try
        {
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var temp = $"{path}.{Environment.ProcessId}.{Environment.CurrentManagedThreadId}.tmp";
            using (var w = new BinaryWriter(File.Create(temp)))
            {
                Write(w, photo);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch (IOException)
        {
            // A cache that cannot be written only costs the next run the detection time.
        }
    }

    private string PathOf(string key) => Path.Combine(Directory, key[..2], key + ".bin");

    private static void Write(BinaryWriter w, PreparedPhoto p)
    {
        w.Write(Magic);
        w.Write(p.Width);
        w.Write(p.Height);
        w.Write((int)p.Outcome);
        w.Write(p.Message);
        w.Write(p.Faces.Count);
        foreach (var f in p.Faces)
        {
            w.Write(f.Index);
            WriteBox(w, f.Box);
            WriteOptional(w, f.DetectorScore, w.Write);
            w.Write(f.Landmarks is not null);
            if (f.Landmarks is { } marks)
            {
                foreach (var pt in marks.Points)
                {
                    w.Write(pt.X);
                    w.Write(pt.Y);
                }
            }

            w.Write(f.FivePoints?.Length ?? -1);
            foreach (var pt in f.FivePoints ?? [])
            {
                w.Write(pt.X);
                w.Write(pt.Y);
            }

            var q = f.Quality;
            w.Write(q.Size);
            WriteOptional(w, q.Score, w.Write);
            w.Write(q.Sharpness);
            WriteOptional(w, q.RollDegrees, w.Write);
            WriteOptional(w, q.YawDegrees, w.Write);
            WriteOptional(w, q.PitchDegrees, w.Write);
            w.Write(f.Image.Width);
            w.Write(f.Image.Height);
            w.Write(f.Image.Pixels);
            w.Write(f.Crop.Fit);
            w.Write(f.Crop.Side);
            w.Write(f.Crop.CenterX);
            w.Write(f.Crop.CenterY);
            w.Write(f.IsChip);
        }

        w.Write(p.Others.Count);
        foreach (var o in p.Others)
        {
            WriteBox(w, o.Box);
            w.Write(o.Score);
        }
    }

    private static PreparedPhoto Read(BinaryReader r)
    {
        if (r.ReadString() != Magic)
        {
            throw new InvalidDataException("not a prepared-photo cache entry");
        }

        var width = r.ReadInt32();
        var height = r.ReadInt32();
        var outcome = (PhotoOutcome)r.ReadInt32();
        var message = r.ReadString();
        var faces = new PreparedFace[r.ReadInt32()];
        for (var i = 0; i < faces.Length; i++)
        {
            var index = r.ReadInt32();
            var box = ReadBox(r);
            float? score = r.ReadBoolean() ? r.ReadSingle() : null;
            FaceLandmarks? marks = null;
            if (r.ReadBoolean())
            {
                var pts = new FacePoint[FaceLandmarks.Count];
                for (var j = 0; j < pts.Length; j++)
                {
                    pts[j] = new FacePoint(r.ReadDouble(), r.ReadDouble());
                }

                marks = new FaceLandmarks(pts);
            }

            var fiveCount = r.ReadInt32();
            FacePoint[]? five = null;
            if (fiveCount >= 0)
            {
                five = new FacePoint[fiveCount];
                for (var j = 0; j < fiveCount; j++)
                {
                    five[j] = new FacePoint(r.ReadDouble(), r.ReadDouble());
                }
            }

            var size = r.ReadDouble();
            float? qScore = r.ReadBoolean() ? r.ReadSingle() : null;
            var sharpness = r.ReadDouble();
            double? roll = r.ReadBoolean() ? r.ReadDouble() : null;
            double? yaw = r.ReadBoolean() ? r.ReadDouble() : null;
            double? pitch = r.ReadBoolean() ? r.ReadDouble() : null;
            var iw = r.ReadInt32();
            var ih = r.ReadInt32();
            var pixels = r.ReadBytes(checked(iw * ih * 3));
            if (pixels.Length != iw * ih * 3)
            {
                throw new EndOfStreamException("prepared-photo cache entry is truncated");
            }

            var crop = new CropPolicy { Fit = r.ReadBoolean(), Side = r.ReadDouble(), CenterX = r.ReadDouble(), CenterY = r.ReadDouble() };
            var isChip = r.ReadBoolean();
            faces[i] = new PreparedFace(index, box, score, marks, five, new FaceQuality(size, qScore, sharpness, roll, yaw, pitch), new RgbImage(iw, ih, pixels), crop, isChip);
        }

        var others = new DetectedFace[r.ReadInt32()];
        for (var i = 0; i < others.Length; i++)
        {
            others[i] = new DetectedFace(ReadBox(r), r.ReadSingle());
        }

        return new PreparedPhoto(width, height, outcome, message, faces, others);
    }

    private static void WriteBox(BinaryWriter w, FaceBox b)
    {
        w.Write(b.X);
        w.Write(b.Y);
        w.Write(b.Width);
        w.Write(b.Height);
    }

    private static FaceBox ReadBox(BinaryReader r) => new(r.ReadDouble(), r.ReadDouble(), r.ReadDouble(), r.ReadDouble());

    private static void WriteOptional<T>(BinaryWriter w, T? value, Action<T> write)
        where T : struct
    {
        w.Write(value.HasValue);
        if (value is { } v)
        {
            write(v);
        }
    }
}
