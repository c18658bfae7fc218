namespace FaceGrains.Silo;

/// <summary>How a silo finds its peers and where grain state lives.</summary>
public enum SiloProfile
{
    /// <summary>One localhost silo; grain state in a SQLite file under the data directory. Needs no server.</summary>
    Embedded,

    /// <summary>
    /// Silos find each other through Redis and keep grain state there; face images and model versions in the data
    /// directory, which every silo must share (one machine, or a network file system).
    /// </summary>
    Cluster,

    /// <summary>
    /// The recommended cluster profile: membership and grain state in Azure Table storage, face images and model versions
    /// in Blob storage (Azure, or Azurite locally). Silos share nothing but the storage account: each keeps its own data
    /// directory as a cache.
    /// </summary>
    Azure,
}
