using System.Text.Json.Serialization;

namespace FaceGrains.Recognition.Calibration;

/// <summary>One point of an impostor-score tail: the share of impostor pairs scoring at or above <see cref="Score"/>.</summary>
public sealed record TailPoint(
    [property: JsonPropertyName("score")] double Score,
    [property: JsonPropertyName("fmr")] double Fmr);
