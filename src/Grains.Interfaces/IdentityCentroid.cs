namespace FaceGrains.Grains.Interfaces;

/// <summary>
/// What an identity contributes to a shard of one model version: its centroid and, for shards that keep every face,
/// its face embeddings (row-major, <see cref="FaceCount"/> × dimension, each row L2-normalised). <see cref="UpdatedUtc"/>
/// is the identity's stamp as its directory summary shows it: a shard's snapshot keeps it beside the rows, and a cold
/// start trusts the snapshot's rows of an identity only while the directory still shows that stamp.
/// </summary>
[GenerateSerializer, Immutable, Alias("facegrains.identity-centroid")]
public sealed record IdentityCentroid(
    [property: Id(0)] string IdentityId,
    [property: Id(1)] string ModelVersion,
    [property: Id(2), Immutable] float[] Centroid,
    [property: Id(3), Immutable] float[] FaceEmbeddings,
    [property: Id(4)] int FaceCount,
    [property: Id(5)] DateTimeOffset UpdatedUtc = default);
