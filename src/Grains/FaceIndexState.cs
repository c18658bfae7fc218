namespace FaceGrains.Grains;

[GenerateSerializer, Alias("facegrains.face-index-state")]
public sealed class FaceIndexState
{
    /// <summary>The identity that owns the face, or null when free.</summary>
    [Id(0)] public string? Owner { get; set; }
}
