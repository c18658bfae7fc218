namespace FaceGrains.Grains.Interfaces;

/// <summary>
/// Model versions known to the cluster and the active one (one per cluster: key 0). Every silo registers the version
/// it loaded at start; the first registration becomes active. Switching versions is a later issue.
/// </summary>
[Alias("facegrains.IModelRegistryGrain")]
public interface IModelRegistryGrain : IGrainWithIntegerKey
{
    [Alias("Get")]
    Task<ModelRegistryView> GetAsync();

    /// <summary>Records a version; with <paramref name="activate"/>, it also becomes the active version when none is yet.</summary>
    [Alias("Register")]
    Task<ModelRegistryView> RegisterAsync(ModelVersionInfo version, bool activate);
}
