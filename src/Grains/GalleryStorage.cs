namespace FaceGrains.Grains;

/// <summary>
/// The grain storage provider the gallery's grains persist through. Hosts register a provider under this name
/// (memory in tests, SQLite embedded, Redis in the cluster profile); the grains never choose one themselves.
/// </summary>
public static class GalleryStorage
{
    public const string ProviderName = "facegrains";
}
