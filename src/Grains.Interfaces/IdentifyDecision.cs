namespace FaceGrains.Grains.Interfaces;

/// <summary>The open-set decision for one face.</summary>
[GenerateSerializer, Alias("facegrains.identify-decision")]
public enum IdentifyDecision
{
    /// <summary>The best candidate scored at or above the threshold.</summary>
    Identified = 0,

    /// <summary>
    /// Nobody in the gallery scored at or above the threshold (or the gallery is empty), or every such identity answers a
    /// face of the same photo that it matches better.
    /// </summary>
    NoCorrespondence = 1,
}
