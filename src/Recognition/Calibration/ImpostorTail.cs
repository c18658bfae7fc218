using System.Text.Json;
using System.Text.Json.Serialization;
using FaceGrains.Recognition.Models;

namespace FaceGrains.Recognition.Calibration;

/// <summary>
/// The upper tail of a model version's impostor-score distribution (cosine scores of pairs of different people),
/// as points (score, FMR) with FMR(score) = share of impostor pairs scoring at or above it. Stored beside the
/// version's manifest as <c>impostor-tail.json</c>; the gallery derives its open-set threshold from it.
/// </summary>
public sealed record ImpostorTail
{
    public const string FileName = "impostor-tail.json";

    /// <summary>The tail of the version's flip-averaged embeddings (<see cref="Embedding.EmbedderOptions.FlipAverage"/>), kept apart from the plain one.</summary>
    public const string FlipAverageFileName = "impostor-tail-flip.json";
    public const int CurrentFormat = 1;

    [JsonPropertyName("format")]
    public int Format { get; init; } = CurrentFormat;

    /// <summary>The model version measured.</summary>
    [JsonPropertyName("model_id")]
    public string ModelId { get; init; } = "";

    /// <summary>What was measured, e.g. the dataset folder and crop.</summary>
    [JsonPropertyName("source")]
    public string Source { get; init; } = "";

    [JsonPropertyName("created_utc")]
    public DateTimeOffset CreatedUtc { get; init; }

    [JsonPropertyName("identities")]
    public int Identities { get; init; }

    [JsonPropertyName("images")]
    public int Images { get; init; }

    /// <summary>
    /// Images per impostor centroid: 1 = image against image; K &gt; 1 = image against the centroid of K images of another
    /// identity, as the gallery scores probes (centroids sit closer to every face than single images do, so their
    /// impostor scores run higher).
    /// </summary>
    [JsonPropertyName("flip_average")]
    public bool FlipAverage { get; init; }

    [JsonPropertyName("enrolled_per_identity")]
    public int EnrolledPerIdentity { get; init; } = 1;

    /// <summary>Impostor comparisons scored (image against image or centroid of a different identity).</summary>
    [JsonPropertyName("pairs")]
    public long Pairs { get; init; }

    /// <summary>Highest impostor score seen.</summary>
    [JsonPropertyName("max_score")]
    public double MaxScore { get; init; }

    /// <summary>Score ascending, FMR strictly descending; the last point is the smallest FMR the data resolves.</summary>
    [JsonPropertyName("points")]
    public IReadOnlyList<TailPoint> Points { get; init; } = [];

    /// <summary>The smallest FMR this tail can answer for; smaller targets are clamped to it.</summary>
    [JsonIgnore]
    public double MinResolvedFmr => Points.Count == 0 ? 1 : Points[^1].Fmr;

    /// <summary>
    /// The lowest threshold whose FMR is at most <paramref name="fmr"/>, interpolating log(FMR) linearly in score
    /// between points. Below <see cref="MinResolvedFmr"/> the most extreme measured point is returned and
    /// <paramref name="clamped"/> is set: the tail cannot tell the true threshold there.
    /// </summary>
    public double ThresholdFor(double fmr, out bool clamped)
    {
        if (!(fmr > 0 && fmr < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(fmr), fmr, "A target FMR must be in (0, 1).");
        }

        RequirePoints();
        clamped = fmr < MinResolvedFmr;
        if (clamped)
        {
            return Points[^1].Score;
        }

        if (fmr >= Points[0].Fmr)
        {
            return Points[0].Score;
        }

        for (var i = 1; i < Points.Count; i++)
        {
            if (Points[i].Fmr <= fmr)
            {
                var (lo, hi) = (Points[i - 1], Points[i]);
                var t = (Math.Log(fmr) - Math.Log(lo.Fmr)) / (Math.Log(hi.Fmr) - Math.Log(lo.Fmr));
                return lo.Score + (t * (hi.Score - lo.Score));
            }
        }

        return Points[^1].Score;
    }

    /// <summary>The FMR at <paramref name="threshold"/>, interpolated as in <see cref="ThresholdFor"/>; beyond the last point, that point's FMR (an upper bound).</summary>
    public double FmrAt(double threshold)
    {
        RequirePoints();
        if (threshold <= Points[0].Score)
        {
            return Points[0].Fmr;
        }

        for (var i = 1; i < Points.Count; i++)
        {
            if (Points[i].Score >= threshold)
            {
                var (lo, hi) = (Points[i - 1], Points[i]);
                var t = (threshold - lo.Score) / (hi.Score - lo.Score);
                return Math.Exp(Math.Log(lo.Fmr) + (t * (Math.Log(hi.Fmr) - Math.Log(lo.Fmr))));
            }
        }

        return Points[^1].Fmr;
    }

    public static JsonSerializerOptions JsonOptions { get; } = new() { WriteIndented = true };

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public static ImpostorTail FromJson(string json)
    {
        var tail = JsonSerializer.Deserialize<ImpostorTail>(json, JsonOptions) ?? throw new InvalidDataException("Impostor tail is empty.");
        tail.Validate();
        return tail;
    }

    /// <summary>
    /// Where the tail of <paramref name="version"/> lives: beside its manifest, one file for its plain embeddings
    /// and one for its flip-averaged ones (their scores differ, so each needs its own threshold).
    /// </summary>
    public static string PathFor(ModelVersion version, bool flipAverage = false)
    {
        ArgumentNullException.ThrowIfNull(version);
        return Path.Combine(Path.GetDirectoryName(version.OnnxPath)!, flipAverage ? FlipAverageFileName : FileName);
    }

    /// <summary>The stored tail of <paramref name="version"/> for plain or flip-averaged embeddings, or null when it was never calibrated.</summary>
    public static ImpostorTail? TryLoad(ModelVersion version, bool flipAverage = false)
    {
        var path = PathFor(version, flipAverage);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return FromJson(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Impostor tail {path} is not valid JSON: {e.Message}", e);
        }
    }

    /// <summary>Writes the tail beside the version's manifest (atomically: a temp file, then a rename).</summary>
    public void SaveTo(ModelVersion version)
    {
        ArgumentNullException.ThrowIfNull(version);
        if (!string.Equals(version.Id, ModelId, StringComparison.Ordinal))
        {
            throw new ArgumentException($"This tail was measured for model {ModelId}, not {version.Id}.", nameof(version));
        }

        Validate();
        var path = PathFor(version, FlipAverage);
        var temp = path + ".tmp";
        File.WriteAllText(temp, ToJson());
        File.Move(temp, path, overwrite: true);
    }

    public void Validate()
    {
        if (Format != CurrentFormat)
        {
            throw new InvalidDataException($"Impostor tail format {Format} is not supported (expected {CurrentFormat}).");
        }

        RequirePoints();
        for (var i = 0; i < Points.Count; i++)
        {
            var p = Points[i];
            if (!(p.Fmr > 0 && p.Fmr <= 1) || !double.IsFinite(p.Score))
            {
                throw new InvalidDataException($"Impostor tail point {i} ({p.Score}, {p.Fmr}) is out of range.");
            }

            if (i > 0 && !(p.Score > Points[i - 1].Score && p.Fmr < Points[i - 1].Fmr))
            {
                throw new InvalidDataException($"Impostor tail point {i} does not continue the tail (scores must rise and FMR fall).");
            }
        }
    }

    private void RequirePoints()
    {
        if (Points is null || Points.Count == 0)
        {
            throw new InvalidDataException("Impostor tail has no points.");
        }
    }
}
