using FaceGrains.Grains.Interfaces;

namespace FaceGrains.Grains;

/// <summary>One durable partition of the identity list. Not reentrant: every change rewrites the partition's state.</summary>
public sealed class IdentityDirectoryGrain(
    [PersistentState("directory", GalleryStorage.ProviderName)] IPersistentState<IdentityDirectoryState> state) : Grain, IIdentityDirectoryGrain
{
    public async Task UpsertAsync(IdentitySummary identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        if (state.State.Identities.TryGetValue(identity.Id, out var known) && known == identity)
        {
            return;
        }

        state.State.Identities[identity.Id] = identity;
        await state.WriteStateAsync();
    }

    public async Task RemoveAsync(string identityId)
    {
        if (state.State.Identities.Remove(identityId))
        {
            await state.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<IdentitySummary>> ListPageAsync(IdentityPageRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var after = request.After is { } cursor ? IdentityPageRequest.IdOfCursor(cursor) : null;
        return Task.FromResult<IReadOnlyList<IdentitySummary>>(state.State.Identities.Values
            .Where(i => (after is null || string.CompareOrdinal(i.Id, after) > 0) && request.Matches(i))
            .OrderBy(i => i.Id, StringComparer.Ordinal)
            .Take(request.Limit + 1)
            .ToList());
    }

    public Task<IReadOnlyList<IdentitySummary>> ListAsync() =>
        Task.FromResult<IReadOnlyList<IdentitySummary>>(state.State.Identities.Values.OrderBy(i => i.Id, StringComparer.Ordinal).ToList());
}
