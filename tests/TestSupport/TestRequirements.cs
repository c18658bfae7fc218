namespace FaceGrains.TestSupport;

/// <summary>Why a test cannot run on this machine (missing face data or model), or null when it can.</summary>
public static class TestRequirements
{
    public static string? SkipReason(string[] relativeDataPaths, bool needsModel)
    {
        var missing = relativeDataPaths.FirstOrDefault(p => !SharedData.Has(p));
        if (missing is not null)
        {
            return SharedData.MissingMessage(missing);
        }

        return needsModel ? TestModels.UnavailableReason() : null;
    }
}
