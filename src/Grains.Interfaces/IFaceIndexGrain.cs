namespace FaceGrains.Grains.Interfaces;

/// <summary>
/// Which identity owns a face (key: sha256 of the image bytes), so the same bytes cannot be enrolled under two identities.
/// </summary>
[Alias("facegrains.IFaceIndexGrain")]
public interface IFaceIndexGrain : IGrainWithStringKey
{
    /// <summary>Claims the face for <paramref name="identityId"/> when free; returns the owner afterwards (the caller, or someone else).</summary>
    [Alias("Claim")]
    Task<string> ClaimAsync(string identityId);

    /// <summary>Frees the face when <paramref name="identityId"/> owns it.</summary>
    [Alias("Release")]
    Task ReleaseAsync(string identityId);

    /// <summary>The owner, or null.</summary>
    [Alias("GetOwner")]
    Task<string?> GetOwnerAsync();
}
