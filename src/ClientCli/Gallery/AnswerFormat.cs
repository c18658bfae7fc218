using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using FaceGrains.Grains.Interfaces;

namespace FaceGrains.ClientCli.Gallery;

/// <summary>
/// How identification and enrolment answers are printed: JSON as the REST API writes it (<see cref="GalleryJson"/>),
/// CSV rows (one per face), table cells.
/// </summary>
public static class AnswerFormat
{
    /// <summary>One probe's answer as the REST API spells it, with the probe's path.</summary>
    public static JsonObject Json(ProbeAnswer a, string? probe = null)
    {
        var json = GalleryJson.ToNode(a)!.AsObject();
        json["probe"] = probe ?? a.FileName;
        return json;
    }

    public static string Candidates(FaceAnswer a, int count = 3) =>
        string.Join(" ", a.Candidates.Take(count).Select(c => $"{c.IdentityId}:{c.Score.ToString("F4", CultureInfo.InvariantCulture)}"));

    public static string Score(float? score) => score?.ToString("F4", CultureInfo.InvariantCulture) ?? "";

    /// <summary>"x,y,w,h" of a face's box, in whole pixels.</summary>
    public static string Box(FaceLocation? location) => location is null ? "" :
        string.Create(CultureInfo.InvariantCulture, $"{location.Box.X:F0},{location.Box.Y:F0},{location.Box.Width:F0},{location.Box.Height:F0}");

    public const string CsvHeader = "probe,face,box,answer,score,threshold,candidates";

    /// <summary>One row per face of the probe; a rejected probe gets one row whose answer says why.</summary>
    public static IEnumerable<string> CsvRows(string probe, ProbeAnswer a)
    {
        if (a.Rejection is { } rejection)
        {
            yield return string.Join(',', Csv(probe), "", "", Csv($"rejected ({GalleryJson.ToNode(rejection.Status)}): {rejection.Message}"), "", "", "");
            yield break;
        }

        foreach (var f in a.Faces)
        {
            yield return string.Join(',',
                Csv(probe), f.FaceIndex.ToString(CultureInfo.InvariantCulture), Csv(Box(f.Location)), Csv(f.Label), Score(f.Score),
                a.Threshold?.Threshold.ToString("F4", CultureInfo.InvariantCulture) ?? "",
                Csv(string.Join(';', f.Candidates.Select(c => $"{c.IdentityId}:{c.Score.ToString("F4", CultureInfo.InvariantCulture)}"))));
        }
    }

    private static string Csv(string value) =>
        value.IndexOfAny([',', '"', '\n', '\r']) < 0 ? value : new StringBuilder("\"").Append(value.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"').ToString();
}
