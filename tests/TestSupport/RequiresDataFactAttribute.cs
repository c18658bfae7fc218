using Xunit;

namespace FaceGrains.TestSupport;

/// <summary>A fact that runs only when the named folders or files of ../shared/data exist, and says so when it skips.</summary>
public sealed class RequiresDataFactAttribute : FactAttribute
{
    public RequiresDataFactAttribute(params string[] relativeDataPaths)
    {
        Skip = TestRequirements.SkipReason(relativeDataPaths, needsModel: false);
    }
}
