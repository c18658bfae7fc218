using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using FaceGrains.Grains.Interfaces;

namespace FaceGrains.ClientCli.Gallery;

/// <summary>How identification and enrolment answers are printed: JSON objects, CSV rows, table cells.</summary>
public static class AnswerFormat
{
    public static JsonObject Json(IdentificationAnswer a, string? probe = null) => new()
    {
        ["probe"] = probe ?? a.FileName,
        ["answer"] = a.Label,
        ["decision"] = a.Decision.ToString(),
        ["identity"] = a.IdentityId,
        ["score"] = a.Score,
        ["threshold"] = a.Threshold?.Threshold,
        ["threshold_source"] = a.Threshold?.Source.ToString(),
        ["threshold_reason"] = a.Threshold?.Reason,
        ["rejection"] = a.Rejection?.Message,
        ["candidates"] = new JsonArray(a.Candidates.Select(c => (JsonNode)new JsonObject { ["identity"] = c.IdentityId, ["score"] = c.Score }).ToArray()),
        ["model_version"] = a.ModelVersion,
    };

    public static JsonObject Json(FaceOutcome f) => new()
    {
        ["file"] = f.FileName,
        ["face_id"] = f.FaceId,
        ["status"] = f.Status.ToString(),
        ["message"] = f.Message,
        ["conflicting_identity"] = f.ConflictingIdentityId,
    };

    public static string Candidates(IdentificationAnswer a, int count = 3) =>
        string.Join(" ", a.Candidates.Take(count).Select(c => $"{c.IdentityId}:{c.Score.ToString("F4", CultureInfo.InvariantCulture)}"));

    public static string Score(float? score) => score?.ToString("F4", CultureInfo.InvariantCulture) ?? "";

    public const string CsvHeader = "probe,answer,score,threshold,candidates";

    public static string CsvRow(string probe, IdentificationAnswer a) => string.Join(',',
        Csv(probe), Csv(a.Label), Score(a.Score), a.Threshold?.Threshold.ToString("F4", CultureInfo.InvariantCulture) ?? "",
        Csv(string.Join(';', a.Candidates.Select(c => $"{c.IdentityId}:{c.Score.ToString("F4", CultureInfo.InvariantCulture)}"))));

    private static string Csv(string value) =>
        value.IndexOfAny([',', '"', '\n', '\r']) < 0 ? value : new StringBuilder("\"").Append(value.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"').ToString();
}
