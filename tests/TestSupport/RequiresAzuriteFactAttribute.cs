using Xunit;

namespace FaceGrains.TestSupport;

/// <summary>A fact that starts its own Azurite (and may need the model and parts of ../shared/data); skips saying which is missing.</summary>
public sealed class RequiresAzuriteFactAttribute : FactAttribute
{
    public RequiresAzuriteFactAttribute(params string[] relativeDataPaths)
    {
        Skip = Azurite.Missing ?? TestRequirements.SkipReason(relativeDataPaths, needsModel: relativeDataPaths.Length > 0);
    }
}
