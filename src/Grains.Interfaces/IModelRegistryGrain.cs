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

    /// <summary>Records a version; makes it active when none is, or when <paramref name="activate"/> is set and none is.</summary>
    [Alias("Register")]
    Task<ModelRegistryView> RegisterAsync(ModelVersionInfo version, bool activate);
}
