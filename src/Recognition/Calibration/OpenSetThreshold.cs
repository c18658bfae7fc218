namespace FaceGrains.Recognition.Calibration;

/// <summary>
/// The 1:N arithmetic: an unknown probe searched against N independent identities gets N chances to match, so
/// FPIR(t) = 1 − (1 − FMR(t))^N. Computed with log1p/expm1 so tiny rates keep their digits.
/// </summary>
public static class OpenSetThreshold
{
    /// <summary>The per-comparison FMR that yields <paramref name="targetFpir"/> over <paramref name="gallerySize"/> identities: 1 − (1 − FPIR)^(1/N).</summary>
    public static double PairFmrFor(double targetFpir, int gallerySize)
    {
        RequireRate(targetFpir, nameof(targetFpir));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(gallerySize);
        return -double.ExpM1(double.LogP1(-targetFpir) / gallerySize);
    }

    /// <summary>The FPIR that a per-comparison <paramref name="pairFmr"/> gives over <paramref name="gallerySize"/> identities: 1 − (1 − FMR)^N.</summary>
    public static double FpirFor(double pairFmr, int gallerySize)
    {
        if (!(pairFmr >= 0 && pairFmr <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(pairFmr), pairFmr, "A rate must be in [0, 1].");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(gallerySize);
        return pairFmr >= 1 ? (gallerySize == 0 ? 0 : 1) : -double.ExpM1(gallerySize * double.LogP1(-pairFmr));
    }

    private static void RequireRate(double rate, string name)
    {
        if (!(rate > 0 && rate < 1))
        {
            throw new ArgumentOutOfRangeException(name, rate, "A target rate must be in (0, 1).");
        }
    }
}
