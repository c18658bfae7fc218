using FaceGrains.Grains.Interfaces;

namespace FaceGrains.Grains;

/// <summary>Owner of one face (key: sha256). Not reentrant: claim is a check-then-set that must not interleave.</summary>
public sealed class FaceIndexGrain(
    [PersistentState("face-index", GalleryStorage.ProviderName)] IPersistentState<FaceIndexState> state) : Grain, IFaceIndexGrain
{
    public async Task<string> ClaimAsync(string identityId)
    {
        ArgumentException.ThrowIfNullOrEmpty(identityId);
        if (state.State.Owner is null)
        {
            state.State.Owner = identityId;
            await state.WriteStateAsync();
        }

        return state.State.Owner;
    }

    public async Task ReleaseAsync(string identityId)
    {
        if (state.State.Owner == identityId)
        {
            await state.ClearStateAsync();
            state.State = new FaceIndexState();
            DeactivateOnIdle();
        }
    }

    public Task<string?> GetOwnerAsync() => Task.FromResult(state.State.Owner);
}
