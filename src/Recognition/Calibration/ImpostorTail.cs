using System.Text.Json;
using System.Text.Json.Serialization;
using FaceGrains.Recognition.Models;

namespace FaceGrains.Recognition.Calibration;

/// <summary>
/// The upper tail of a model version's impostor-score distribution (cosine scores of pairs of different people),
/// as points (score, FMR) with FMR(score) = share of impostor pairs scoring at or above it. Stored beside the
/// version's manifest as <c>impostor-tail.json</c>; the gallery derives its open-set threshold from it. It records the
/// recipe it was measured with (<see cref="RecipeSha256"/>), and a version refuses a tail of another recipe.
/// </summary>
public sealed record ImpostorTail
{
    public const string FileName = "impostor-tail.json";

    /// <summary>2: records the recipe. Format 1 tails did not, and are refused.</summary>
    public const int CurrentFormat = 2;

    [JsonPropertyName("format")]
    public int Format { get; init; } = CurrentFormat;

    /// <summary>The model version measured.</summary>
    [JsonPropertyName("model_id")]
    public string ModelId { get; init; } = "";

    /// <summary>The fingerprint of the serving recipe the scores were measured with (<see cref="Preprocessing.PreprocessingSpec.Fingerprint"/>).</summary>
    [JsonPropertyName("recipe_sha256")]
    public string RecipeSha256 { get; init; } = "";

    /// <summary>What was measured, e.g. the data set and how its faces were prepared.</summary>
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

    /// <summary>Where the tail of <paramref name="version"/> lives: beside its manifest.</summary>
    public static string PathFor(ModelVersion version)
    {
        ArgumentNullException.ThrowIfNull(version);
        return Path.Combine(Path.GetDirectoryName(version.OnnxPath)!, FileName);
    }

    /// <summary>
    /// The stored tail of <paramref name="version"/>, or null when it was never calibrated. A tail measured for another
    /// version or recipe (a copied or hand-edited file) is refused with <see cref="CalibrationMismatchException"/>: its
    /// scores would not be the scores this version produces.
    /// </summary>
    public static ImpostorTail? TryLoad(ModelVersion version)
    {
        var path = PathFor(version);
        if (!File.Exists(path))
        {
            return null;
        }

        ImpostorTail tail;
        try
        {
            tail = FromJson(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Impostor tail {path} is not valid JSON: {e.Message}", e);
        }
        catch (InvalidDataException e)
        {
            throw new CalibrationMismatchException($"Impostor tail {path} is refused: {e.Message} Measure it again: `facegrains models calibrate --model {version.ShortId} --data <folder per person>`.");
        }

        tail.CheckMeasuredFor(version, path);
        return tail;
    }

    /// <summary>Throws <see cref="CalibrationMismatchException"/> unless this tail was measured with <paramref name="version"/> and its recipe.</summary>
    public void CheckMeasuredFor(ModelVersion version, string? where = null)
    {
        ArgumentNullException.ThrowIfNull(version);
        var what = where ?? "impostor tail";
        if (!string.Equals(ModelId, version.Id, StringComparison.Ordinal))
        {
            throw new CalibrationMismatchException($"Calibration {what} was measured for model version {ModelId}, not {version.Id}; it is refused.");
        }

        var recipe = version.Manifest.Preprocessing.Fingerprint();
        if (!string.Equals(RecipeSha256, recipe, StringComparison.Ordinal))
        {
            throw new CalibrationMismatchException(
                $"Calibration {what} was measured with recipe {Short(RecipeSha256)}, but model version {version.ShortId} serves recipe {Short(recipe)} ({version.Manifest.Preprocessing.Describe()}); it is refused. "
                + $"Measure it again with the version's own recipe: `facegrains models calibrate --model {version.ShortId} --data <folder per person>`.");
        }
    }

    /// <summary>Writes the tail beside the version's manifest, through its store (so into the cluster's mirror too).</summary>
    public void SaveTo(ModelStore store, ModelVersion version)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(version);
        CheckMeasuredFor(version);
        Validate();
        store.WriteFile(version, FileName, ToJson());
    }

    private static string Short(string sha) => sha.Length > 12 ? sha[..12] : sha.Length == 0 ? "(none recorded)" : sha;

    public void Validate()
    {
        if (Format != CurrentFormat)
        {
            throw new InvalidDataException(Format < CurrentFormat
                ? $"Impostor tail format {Format} does not record the recipe it was measured with."
                : $"Impostor tail format {Format} is not supported (expected {CurrentFormat}).");
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
