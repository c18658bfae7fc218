using Orleans.Concurrency;

namespace FaceGrains.Grains.Interfaces;

/// <summary>
/// One known person (key: the identity id the operator chooses). Holds its faces, their embeddings per model version
/// and its centroid per model version; after every change it pushes its centroid to its gallery shard.
/// An identity exists from its first accepted face until it is forgotten.
/// </summary>
[Alias("facegrains.IIdentityGrain")]
public interface IIdentityGrain : IGrainWithStringKey
{
    /// <summary>Embeds and enrols images; one outcome per image. Re-sending enrolled bytes is a no-op (Duplicate).</summary>
    [Alias("Enroll")]
    Task<EnrollmentResult> EnrollAsync(EnrollRequest request);

    /// <summary>Enrols faces given as embeddings of the active model version (trusted callers, benchmarks).</summary>
    [Alias("EnrollEmbeddings")]
    Task<EnrollmentResult> EnrollEmbeddingsAsync(EmbeddingEnrollRequest request);

    /// <summary>The identity, or null when it does not exist.</summary>
    [Alias("Get")]
    Task<IdentityView?> GetAsync();

    /// <summary>Sets the display name; null when the identity does not exist (nothing is created).</summary>
    [Alias("Rename")]
    Task<IdentityView?> RenameAsync(string displayName);

    /// <summary>Removes one face (image file, embeddings, face-index claim) and updates the centroid; false when there is no such face.</summary>
    [Alias("RemoveFace")]
    Task<bool> RemoveFaceAsync(string faceId);

    /// <summary>Removes every trace: state, stored images, face-index claims, shard rows, directory entry. False when it did not exist.</summary>
    [Alias("Forget")]
    Task<bool> ForgetAsync();

    /// <summary>
    /// Embeds every face that has no embedding under <paramref name="modelVersion"/> yet from its stored image, as it was
    /// enrolled (a face chip again as a chip), and pushes the centroid to that version's shard. Idempotent: faces that
    /// have one are left alone, so a migration that resumes never embeds a face twice.
    /// </summary>
    [Alias("Reembed")]
    Task<ReembedResult> ReembedAsync(string modelVersion);

    /// <summary>Every enrolled face with its stored image (an export of the gallery for training); empty when the identity does not exist.</summary>
    [Alias("ExportFaces")]
    Task<IReadOnlyList<StoredFace>> ExportFacesAsync();

    /// <summary>Removes every embedding and the centroid under <paramref name="modelVersion"/> (a retired version), and its shard row.</summary>
    [Alias("DropVersion")]
    Task DropVersionAsync(string modelVersion);

    /// <summary>
    /// The centroid (and face embeddings) for one model version, or null when there is none.
    /// Used by shards rebuilding themselves and by verification against an identity.
    /// Always interleaves: a shard activated by this identity's own upsert reads it back while the identity awaits the shard.
    /// </summary>
    [AlwaysInterleave]
    [Alias("GetCentroid")]
    Task<IdentityCentroid?> GetCentroidAsync(string modelVersion);
}
