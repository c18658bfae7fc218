namespace FaceGrains.Trainer.Data;

/// <summary>One face image and the index of its identity among the training identities (−1 for held-out identities).</summary>
public sealed record FaceSample(string Path, string Identity, int Label);
