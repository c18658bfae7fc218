namespace FaceGrains.Grains.Interfaces;

/// <summary>A migration from the active version to a candidate: progress, failures and, once gated, the outcome.</summary>
/// <param name="Done">Identities handled (re-embedded, already covered, or failed).</param>
/// <param name="Total">Identities in the directory when the migration started (more may arrive: they are enrolled under both).</param>
/// <param name="Reembedded">Identities whose faces were embedded into the candidate by this migration.</param>
/// <param name="RatePerSecond">Identities per second over the last stretch.</param>
/// <param name="Failures">Identities that could not be re-embedded, with the reason (first ones only; <see cref="FailureCount"/> counts all).</param>
/// <param name="Message">What is happening, or why it stopped, in one sentence.</param>
/// <param name="Silo">The silo running it (Orleans runtime identity), last it reported.</param>
/// <param name="Resumes">How many times it continued from its cursor after its silo went away or the cluster restarted.</param>
[GenerateSerializer, Immutable, Alias("facegrains.migration-status")]
public sealed record MigrationStatus(
    [property: Id(0)] string From,
    [property: Id(1)] string To,
    [property: Id(2)] MigrationPhase Phase,
    [property: Id(3)] DateTimeOffset StartedUtc,
    [property: Id(4)] DateTimeOffset? FinishedUtc,
    [property: Id(5)] int Done,
    [property: Id(6)] int Total,
    [property: Id(7)] int Reembedded,
    [property: Id(8)] double RatePerSecond,
    [property: Id(9)] IReadOnlyList<MigrationFailure> Failures,
    [property: Id(10)] int FailureCount,
    [property: Id(11)] bool Force,
    [property: Id(12)] string Message,
    [property: Id(13)] int Resumes = 0,
    [property: Id(14)] string? Silo = null)
{
    /// <summary>Seconds to go at the current rate, when known.</summary>
    public double? EtaSeconds => Phase == MigrationPhase.Reembedding && RatePerSecond > 0 && Total > Done ? (Total - Done) / RatePerSecond : null;
}

/// <summary>One identity the migration could not re-embed.</summary>
[GenerateSerializer, Immutable, Alias("facegrains.migration-failure")]
public sealed record MigrationFailure(
    [property: Id(0)] string IdentityId,
    [property: Id(1)] string Reason);

/// <summary>Where a migration is.</summary>
[GenerateSerializer, Alias("facegrains.migration-phase")]
public enum MigrationPhase
{
    /// <summary>Re-embedding every identity into the candidate.</summary>
    Reembedding = 0,

    /// <summary>Comparing the candidate with the active version before the flip.</summary>
    Gating = 1,

    /// <summary>The candidate is active now.</summary>
    Flipped = 2,

    /// <summary>The gate refused the flip (the figures say why); the active version is unchanged.</summary>
    Refused = 3,

    /// <summary>Stopped before the flip (cancelled, or the candidate could not be loaded).</summary>
    Failed = 4,
}
