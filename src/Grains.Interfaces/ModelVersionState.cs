namespace FaceGrains.Grains.Interfaces;

/// <summary>Where a model version stands in the cluster.</summary>
[GenerateSerializer, Alias("facegrains.model-version-state")]
public enum ModelVersionState
{
    /// <summary>Known, not serving.</summary>
    Available = 0,

    /// <summary>Answers every query.</summary>
    Active = 1,

    /// <summary>Being migrated to: every identity is re-embedded into it in the background; enrolments go to it too.</summary>
    Candidate = 2,

    /// <summary>The version active before the last flip: kept up to date for an immediate rollback until retired.</summary>
    Previous = 3,

    /// <summary>Its shards, embeddings and gallery calibration were dropped.</summary>
    Retired = 4,
}
