namespace FaceGrains.Grains;

/// <summary>Durable state of one identity. An identity exists while <see cref="CreatedUtc"/> is set.</summary>
[GenerateSerializer, Alias("facegrains.identity-state")]
public sealed class IdentityState
{
    [Id(0)] public string DisplayName { get; set; } = "";

    [Id(1)] public Dictionary<string, string> Metadata { get; set; } = [];

    /// <summary>Faces in enrolment order (centroids sum them in this order).</summary>
    [Id(2)] public List<FaceRecord> Faces { get; set; } = [];

    /// <summary>Model version → L2-normalised mean of the faces' embeddings under it.</summary>
    [Id(3)] public Dictionary<string, float[]> Centroids { get; set; } = [];

    [Id(4)] public DateTimeOffset CreatedUtc { get; set; }

    [Id(5)] public DateTimeOffset UpdatedUtc { get; set; }

    public bool Exists => CreatedUtc != default;
}
