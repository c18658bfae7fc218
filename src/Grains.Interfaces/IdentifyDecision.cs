namespace FaceGrains.Grains.Interfaces;

/// <summary>The open-set decision for one probe.</summary>
[GenerateSerializer, Alias("facegrains.identify-decision")]
public enum IdentifyDecision
{
    /// <summary>The best candidate scored at or above the threshold.</summary>
    Identified = 0,

    /// <summary>Nobody in the gallery scored at or above the threshold (or the gallery is empty).</summary>
    NoCorrespondence = 1,

    /// <summary>The probe image could not be used (see the rejection).</summary>
    Rejected = 2,
}
