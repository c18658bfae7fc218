namespace FaceGrains.Silo;

/// <summary>How a silo finds its peers and where grain state lives.</summary>
public enum SiloProfile
{
    /// <summary>One localhost silo; grain state in a SQLite file under the data directory. Needs no server.</summary>
    Embedded,

    /// <summary>Silos find each other through Redis and keep grain state there; several processes or machines form one cluster.</summary>
    Cluster,
}
