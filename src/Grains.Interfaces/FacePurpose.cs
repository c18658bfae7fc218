namespace FaceGrains.Grains.Interfaces;

/// <summary>Which faces of a photo are embedded, and whether the enrolment quality gate is measured.</summary>
[GenerateSerializer, Alias("facegrains.face-purpose")]
public enum FacePurpose
{
    /// <summary>The largest face, with its enrolment quality problems; the other faces are reported by their boxes.</summary>
    Enrol = 0,

    /// <summary>Every face.</summary>
    Identify = 1,

    /// <summary>The largest face, the others reported by their boxes; no quality gate.</summary>
    Verify = 2,
}
