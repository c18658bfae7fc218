using FaceGrains.Grains.Interfaces;

namespace FaceGrains.Grains;

/// <summary>Durable state of a migration: where its cursor is, what it counted, and (once gated) the gate.</summary>
[GenerateSerializer, Alias("facegrains.migration-state")]
public sealed class MigrationState
{
    [Id(0)] public MigrationStatus? Status { get; set; }

    /// <summary>The next directory partition to re-embed; partitions below it are done (a resumed migration redoes at most one, idempotently).</summary>
    [Id(1)] public int NextPartition { get; set; }

    [Id(2)] public GateFigures? FolderActive { get; set; }

    [Id(3)] public GateFigures? FolderCandidate { get; set; }

    /// <summary>Whether the catch-up pass (identities changed since the start) is done.</summary>
    [Id(4)] public bool CaughtUp { get; set; }
}
