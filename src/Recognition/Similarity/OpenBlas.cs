using System.Runtime.InteropServices;

namespace FaceGrains.Recognition.Similarity;

/// <summary>
/// OpenBLAS (Debian <c>libopenblas-dev</c> / <c>libopenblas0</c>), called through P/Invoke as the yardstick of the
/// similarity kernels: <c>cblas_sgemv</c> for one probe, <c>cblas_sgemm</c> for a batch, on one thread. Only the
/// benchmark uses it; the gallery never depends on it.
/// </summary>
public static partial class OpenBlas
{
    private const string Library = "libopenblas.so.0";
    private const int RowMajor = 101;
    private const int NoTrans = 111;
    private const int Trans = 112;

    private static readonly Lazy<string?> LoadProblem = new(() =>
    {
        if (!NativeLibrary.TryLoad(Library, out _))
        {
            return $"{Library} is not installed (Debian: apt-get install libopenblas-dev)";
        }

        openblas_set_num_threads(1);
        return null;
    });

    /// <summary>Null when OpenBLAS is loaded (and set to one thread); otherwise why not.</summary>
    public static string? Unavailable => LoadProblem.Value;

    /// <summary>scores = gallery (rows×dim, row-major) · probe: one probe against every row.</summary>
    public static void Gemv(ReadOnlySpan<float> gallery, int rows, int dim, ReadOnlySpan<float> probe, Span<float> scores)
    {
        Require(gallery.Length >= (long)rows * dim && probe.Length >= dim && scores.Length >= rows);
        cblas_sgemv(RowMajor, NoTrans, rows, dim, 1f, in MemoryMarshal.GetReference(gallery), dim, in MemoryMarshal.GetReference(probe), 1, 0f, ref MemoryMarshal.GetReference(scores), 1);
    }

    /// <summary>scores (probes×rows, row-major) = probes (probes×dim) · galleryᵀ: every probe against every row.</summary>
    public static void Gemm(ReadOnlySpan<float> probes, int probeCount, ReadOnlySpan<float> gallery, int rows, int dim, Span<float> scores)
    {
        Require(probes.Length >= (long)probeCount * dim && gallery.Length >= (long)rows * dim && scores.Length >= (long)probeCount * rows);
        cblas_sgemm(RowMajor, NoTrans, Trans, probeCount, rows, dim, 1f, in MemoryMarshal.GetReference(probes), dim, in MemoryMarshal.GetReference(gallery), dim, 0f, ref MemoryMarshal.GetReference(scores), rows);
    }

    private static void Require(bool sizesFit)
    {
        if (Unavailable is { } problem)
        {
            throw new InvalidOperationException(problem);
        }

        if (!sizesFit)
        {
            throw new ArgumentException("A matrix is smaller than its stated shape.");
        }
    }

    [LibraryImport(Library)]
    private static partial void openblas_set_num_threads(int threads);

    [LibraryImport(Library)]
    private static partial void cblas_sgemv(int order, int trans, int m, int n, float alpha, in float a, int lda, in float x, int incX, float beta, ref float y, int incY);

    [LibraryImport(Library)]
    private static partial void cblas_sgemm(int order, int transA, int transB, int m, int n, int k, float alpha, in float a, int lda, in float b, int ldb, float beta, ref float c, int ldc);
}
