using FaceGrains.Grains;
using FaceGrains.TestSupport;
using Orleans.Hosting;
using Orleans.TestingHost;
using Xunit;

namespace FaceGrains.Grains.Tests;

/// <summary>
/// Three in-process silos with memory grain storage under the gallery's provider name, the imported face-api model from
/// the shared test home, and face images in a fresh temporary folder.
/// </summary>
public abstract class GalleryCluster : IAsyncLifetime
{
    /// <summary>Small enough that an oversized-image test needs no large buffer; every ORL image (≈ 10 kB) fits.</summary>
    public const long MaxImageBytes = 200_000;

    public const int ShardCount = 8;

    // In-process silos are built by type; they read this when the cluster deploys (one cluster at a time).
    private static string currentFacesDirectory = "";
    private static int currentRebalanceSeconds = 30;
    private static string currentShardPrecision = "float32";

    public TestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.GrainFactory;

    /// <summary>Silos started by <see cref="InitializeAsync"/> (more may join later through <see cref="Cluster"/>).</summary>
    protected virtual int InitialSilos => 3;

    /// <summary><see cref="GalleryOptions.ShardRebalanceSeconds"/> of the silos.</summary>
    protected virtual int ShardRebalanceSeconds => 30;

    /// <summary><see cref="GalleryOptions.ShardPrecision"/> of the silos.</summary>
    protected virtual string ShardPrecision => "float32";

    public string FacesDirectory { get; } = Path.Combine(Path.GetTempPath(), "facegrains-grains-tests", Guid.NewGuid().ToString("N"), "faces");

    public virtual async Task InitializeAsync()
    {
        _ = TestModels.FaceApi;
        currentFacesDirectory = FacesDirectory;
        currentRebalanceSeconds = ShardRebalanceSeconds;
        currentShardPrecision = ShardPrecision;
        var builder = new TestClusterBuilder((short)InitialSilos);
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        var root = Path.GetDirectoryName(FacesDirectory)!;
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo) => silo
            .AddMemoryGrainStorage(GalleryStorage.ProviderName)
            .AddFaceGallery(options =>
            {
                options.Home = TestModels.Home.Root;
                options.FacesDirectory = currentFacesDirectory;
                options.ShardCount = ShardCount;
                options.EmbedderIntraOpThreads = 1;
                options.MaxImageBytes = MaxImageBytes;
                options.ShardRebalanceSeconds = currentRebalanceSeconds;
                options.ShardPrecision = currentShardPrecision;
            });
    }
}
