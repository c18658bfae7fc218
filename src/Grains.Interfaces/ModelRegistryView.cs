namespace FaceGrains.Grains.Interfaces;

/// <summary>
/// The model versions known to the cluster and where each stands: the active one (answers every query), the candidate
/// being migrated to, the previous one kept for rollback, and the retired ones; with the migration under way or last run.
/// </summary>
/// <param name="Generation">Grows with every change; silos compare it to know their view is current.</param>
[GenerateSerializer, Immutable, Alias("facegrains.model-registry-view")]
public sealed record ModelRegistryView(
    [property: Id(0)] IReadOnlyList<ModelVersionInfo> Versions,
    [property: Id(1)] string ActiveVersion,
    [property: Id(2)] DateTimeOffset? ActivatedUtc,
    [property: Id(3)] string? CandidateVersion = null,
    [property: Id(4)] string? PreviousVersion = null,
    [property: Id(5)] IReadOnlyList<string>? RetiredVersions = null,
    [property: Id(6)] MigrationStatus? Migration = null,
    [property: Id(7)] long Generation = 0,
    [property: Id(8)] IReadOnlyDictionary<string, GateResult>? Gates = null)
{
    /// <summary>The versions every enrolment, face removal and forget is applied under: active first, then the candidate and the previous one.</summary>
    public IReadOnlyList<string> LiveVersions =>
        new[] { ActiveVersion, CandidateVersion, PreviousVersion }.Where(v => !string.IsNullOrEmpty(v)).Select(v => v!).Distinct(StringComparer.Ordinal).ToList();

    public ModelVersionState StateOf(string version) =>
        version == ActiveVersion ? ModelVersionState.Active
        : version == CandidateVersion ? ModelVersionState.Candidate
        : version == PreviousVersion ? ModelVersionState.Previous
        : RetiredVersions?.Contains(version) == true ? ModelVersionState.Retired
        : ModelVersionState.Available;
}
