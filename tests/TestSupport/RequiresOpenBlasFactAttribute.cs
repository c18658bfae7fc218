using FaceGrains.Recognition.Similarity;
using Xunit;

namespace FaceGrains.TestSupport;

/// <summary>A fact that calls OpenBLAS (libopenblas.so.0; .ci/run installs libopenblas-dev); skips saying so when it is not installed.</summary>
public sealed class RequiresOpenBlasFactAttribute : FactAttribute
{
    public RequiresOpenBlasFactAttribute()
    {
        Skip = OpenBlas.Unavailable;
    }
}
