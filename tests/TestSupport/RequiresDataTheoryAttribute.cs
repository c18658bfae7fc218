using Xunit;

namespace FaceGrains.TestSupport;

/// <summary>A theory that runs only when the named parts of ../shared/data exist, and says so when it skips.</summary>
public sealed class RequiresDataTheoryAttribute : TheoryAttribute
{
    public RequiresDataTheoryAttribute(params string[] relativeDataPaths)
    {
        Skip = TestRequirements.SkipReason(relativeDataPaths, needsModel: false);
    }
}
