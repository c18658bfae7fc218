using FaceGrains.Grains.Interfaces;

namespace FaceGrains.Grains;

/// <summary>The cluster's model versions (key 0). Not reentrant: one writer keeps "the active version" single-valued.</summary>
public sealed class ModelRegistryGrain(
    [PersistentState("model-registry", GalleryStorage.ProviderName)] IPersistentState<ModelRegistryState> state) : Grain, IModelRegistryGrain
{
    public Task<ModelRegistryView> GetAsync() => Task.FromResult(View());

    public async Task<ModelRegistryView> RegisterAsync(ModelVersionInfo version, bool activate)
    {
        ArgumentNullException.ThrowIfNull(version);
        var changed = false;
        var index = state.State.Versions.FindIndex(v => v.Id == version.Id);
        if (index < 0)
        {
            state.State.Versions.Add(version);
            changed = true;
        }
        else if (state.State.Versions[index] != version)
        {
            state.State.Versions[index] = version;
            changed = true;
        }

        // Switching an active version needs re-embedding (a later issue): only an empty slot is filled here.
        if (activate && string.IsNullOrEmpty(state.State.ActiveVersion))
        {
            state.State.ActiveVersion = version.Id;
            state.State.ActivatedUtc = DateTimeOffset.UtcNow;
            changed = true;
        }

        if (changed)
        {
            await state.WriteStateAsync();
        }

        return View();
    }

    private ModelRegistryView View() => new(state.State.Versions.ToList(), state.State.ActiveVersion, state.State.ActivatedUtc);
}
