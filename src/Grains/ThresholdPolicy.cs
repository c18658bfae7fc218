using System.Globalization;
using FaceGrains.Grains.Interfaces;
using FaceGrains.Recognition.Calibration;
using FaceGrains.Recognition.Models;

namespace FaceGrains.Grains;

/// <summary>
/// Chooses the decision threshold of an answer. Open set: a target FPIR at the gallery's current size N becomes a
/// per-comparison FMR = 1 − (1 − FPIR)^(1/N), and the threshold is read off the model version's impostor tail.
/// A caller may give a raw threshold instead. Without a calibration the manifest's far_1e-3 pair threshold is used,
/// and the answer says that it does not hold the target.
/// </summary>
public static class ThresholdPolicy
{
    /// <summary>The manifest threshold used when a model version has no impostor tail.</summary>
    public const string FallbackThresholdName = "far_1e-3";

    private const double FallbackPairFmr = 1e-3;

    public static AppliedThreshold ForIdentification(ThresholdRequest? request, int gallerySize, double defaultTargetFpir, ImpostorTail? tail, ModelManifest manifest) =>
        Choose(request, Math.Max(gallerySize, 0), defaultTargetFpir, tail, manifest, "FPIR");

    /// <summary>1:1: the same arithmetic at N = 1, where the target FPIR is a target pair FMR.</summary>
    public static AppliedThreshold ForVerification(ThresholdRequest? request, double defaultTargetFmr, ImpostorTail? tail, ModelManifest manifest) =>
        Choose(request, 1, defaultTargetFmr, tail, manifest, "FMR");

    private static AppliedThreshold Choose(ThresholdRequest? request, int n, double defaultTarget, ImpostorTail? tail, ModelManifest manifest, string rate)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        if (request is { Threshold: not null, TargetFpir: not null })
        {
            throw new ArgumentException("Give a target rate or a raw threshold, not both.", nameof(request));
        }

        if (request?.Threshold is { } raw)
        {
            if (!double.IsFinite(raw))
            {
                throw new ArgumentException($"Threshold {raw} is not a number.", nameof(request));
            }

            double? fmr = tail?.FmrAt(raw);
            return new AppliedThreshold(
                raw,
                ThresholdSource.Requested,
                null,
                n,
                fmr,
                fmr is { } f ? OpenSetThreshold.FpirFor(f, n) : null,
                $"threshold {F(raw)} requested by the caller" + (fmr is { } g ? $" (pair FMR ≈ {G(g)} on the impostor tail)" : ""));
        }

        var target = request?.TargetFpir ?? defaultTarget;
        if (!(target > 0 && target < 1))
        {
            throw new ArgumentException($"Target {rate} {target} must be in (0, 1).", nameof(request));
        }

        var searched = Math.Max(n, 1);
        if (tail is not null)
        {
            var pairFmr = OpenSetThreshold.PairFmrFor(target, searched);
            var threshold = tail.ThresholdFor(pairFmr, out var clamped);
            var achieved = tail.FmrAt(threshold);
            var expected = OpenSetThreshold.FpirFor(achieved, searched);
            var how = n == 1 && rate == "FMR"
                ? $"target FMR {G(target)}"
                : $"target FPIR {G(target)} at N = {n} identities → pair FMR {G(pairFmr)}";
            var reason = $"{how} → threshold {F(threshold)} from the impostor tail of {tail.Pairs:N0} pairs";
            if (clamped)
            {
                reason += $"; the tail resolves FMR only down to {G(tail.MinResolvedFmr)}, so its most extreme threshold is used and the {rate} may exceed the target";
            }

            return new AppliedThreshold(threshold, ThresholdSource.Calibrated, target, n, achieved, expected, reason);
        }

        if (manifest.Thresholds.TryGetValue(FallbackThresholdName, out var fallback))
        {
            var expected = OpenSetThreshold.FpirFor(FallbackPairFmr, searched);
            return new AppliedThreshold(
                fallback,
                ThresholdSource.ManifestFallback,
                target,
                n,
                FallbackPairFmr,
                expected,
                $"model version not calibrated (no {ImpostorTail.FileName}): manifest pair threshold {FallbackThresholdName} = {F(fallback)}; "
                + $"at N = {n} this gives FPIR ≈ {G(expected)}, not the target {G(target)}. Run `facegrains models calibrate`.");
        }

        return new AppliedThreshold(
            1.0,
            ThresholdSource.Uncalibrated,
            target,
            n,
            null,
            null,
            $"model version has neither an impostor calibration ({ImpostorTail.FileName}) nor a manifest threshold: threshold 1, nothing is identified. Run `facegrains models calibrate`.");
    }

    private static string F(double value) => value.ToString("0.0000", CultureInfo.InvariantCulture);

    private static string G(double value) => value.ToString("0.###e0", CultureInfo.InvariantCulture);
}
