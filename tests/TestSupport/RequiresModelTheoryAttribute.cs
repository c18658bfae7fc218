using Xunit;

namespace FaceGrains.TestSupport;

/// <summary>A theory that needs the imported face-api model (and optionally parts of ../shared/data); skips saying why when either is missing.</summary>
public sealed class RequiresModelTheoryAttribute : TheoryAttribute
{
    public RequiresModelTheoryAttribute(params string[] relativeDataPaths)
    {
        Skip = TestRequirements.SkipReason(relativeDataPaths, needsModel: true);
    }
}
