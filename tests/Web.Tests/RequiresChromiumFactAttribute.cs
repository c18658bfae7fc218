using FaceGrains.TestSupport;
using Xunit;

namespace FaceGrains.Web.Tests;

/// <summary>A fact that drives the page in chromium on a silo with the model (and parts of ../shared/data); skips saying which is missing.</summary>
public sealed class RequiresChromiumFactAttribute : FactAttribute
{
    public RequiresChromiumFactAttribute(params string[] relativeDataPaths)
    {
        Skip = Chromium.Missing ?? TestRequirements.SkipReason(relativeDataPaths, needsModel: true);
    }
}
