using FaceGrains.Grains.Interfaces;
using FaceGrains.Recognition.Calibration;
using FaceGrains.Recognition.Models;
using Xunit;

namespace FaceGrains.Grains.Tests;

/// <summary>The open-set threshold arithmetic against hand-computed numbers (no cluster, no model).</summary>
public sealed class ThresholdCalibrationTests
{
    private static readonly ModelManifest Manifest = new() { Id = "m", EmbeddingSize = 2 };

    private static readonly ModelVersion Version = new(Manifest, "/nowhere/model.onnx");

    // log-linear tail: FMR 1e-1 at 0.5, 1e-2 at 0.6, 1e-3 at 0.7.
    private static readonly ImpostorTail Tail = new()
    {
        ModelId = "m",
        RecipeSha256 = Manifest.Preprocessing.Fingerprint(),
        Pairs = 10_000,
        Points = [new(0.5, 1e-1), new(0.6, 1e-2), new(0.7, 1e-3)],
    };

    private static ThresholdPolicy.Calibrations Shipped(ImpostorTail? tail = null, ModelManifest? manifest = null) =>
        new(manifest is null ? Version : new ModelVersion(manifest, Version.OnnxPath), tail ?? Tail, null, null);

    [Fact]
    public void A_tail_is_read_back_and_a_tail_of_another_recipe_or_version_is_refused()
    {
        var folder = Directory.CreateTempSubdirectory("facegrains-tail-").FullName;
        try
        {
            var version = new ModelVersion(Manifest, Path.Combine(folder, ModelStore.OnnxFileName));
            Tail.SaveTo(new ModelStore(Path.Combine(folder, "store")), version);
            Assert.Equal(0.6, ImpostorTail.TryLoad(version)!.ThresholdFor(1e-2, out _), 12);

            // Measured with a flip-averaged recipe: the scores are not this version's.
            var flipped = Manifest.Preprocessing with { FlipAverage = true };
            Assert.Throws<CalibrationMismatchException>(() => (Tail with { RecipeSha256 = flipped.Fingerprint() }).SaveTo(new ModelStore(Path.Combine(folder, "store")), version));
            File.WriteAllText(ImpostorTail.PathFor(version), (Tail with { RecipeSha256 = flipped.Fingerprint() }).ToJson());
            var refused = Assert.Throws<CalibrationMismatchException>(() => ImpostorTail.TryLoad(version));
            Assert.Contains("recipe", refused.Message, StringComparison.Ordinal);
            Assert.Contains("models calibrate", refused.Message, StringComparison.Ordinal);

            File.WriteAllText(ImpostorTail.PathFor(version), (Tail with { ModelId = "another" }).ToJson());
            Assert.Throws<CalibrationMismatchException>(() => ImpostorTail.TryLoad(version));

            // A tail written before tails recorded their recipe.
            File.WriteAllText(ImpostorTail.PathFor(version), Tail.ToJson().Replace("\"format\": 2", "\"format\": 1", StringComparison.Ordinal));
            Assert.Throws<CalibrationMismatchException>(() => ImpostorTail.TryLoad(version));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Pair_fmr_and_fpir_follow_one_minus_the_nth_power()
    {
        // 1 − 0.9^(1/10) = 0.0104807417…; 1 − 0.999^300 = 0.25929…; N = 1 is the identity.
        Assert.Equal(0.010480741793785, OpenSetThreshold.PairFmrFor(0.1, 10), 12);
        Assert.Equal(0.259292967844, OpenSetThreshold.FpirFor(1e-3, 300), 9);
        Assert.Equal(0.01, OpenSetThreshold.PairFmrFor(0.01, 1), 15);
        Assert.Equal(0.1, OpenSetThreshold.FpirFor(OpenSetThreshold.PairFmrFor(0.1, 10), 10), 12);
    }

    [Fact]
    public void Tail_interpolates_log_fmr_linearly_and_clamps_beyond_its_resolution()
    {
        Assert.Equal(0.6, Tail.ThresholdFor(1e-2, out var exact), 12);
        Assert.False(exact);
        Assert.Equal(0.65, Tail.ThresholdFor(Math.Pow(10, -2.5), out _), 12);
        Assert.Equal(0.7, Tail.ThresholdFor(1e-5, out var clamped), 12);
        Assert.True(clamped);
        Assert.Equal(Math.Pow(10, -1.5), Tail.FmrAt(0.55), 12);
    }

    [Fact]
    public void Identification_threshold_at_target_fpir_for_the_gallery_size()
    {
        var applied = ThresholdPolicy.ForIdentification(new ThresholdRequest(TargetFpir: 0.1), 10, 0.01, Shipped());

        // FMR = 0.0104807…; threshold = 0.5 + 0.1 × log10(0.1 / 0.0104807…) = 0.597961…
        Assert.Equal(ThresholdSource.Shipped, applied.Source);
        Assert.Equal(10_000, applied.ImpostorScores);
        Assert.Equal(0.5 + (0.1 * Math.Log10(0.1 / 0.010480741793785)), applied.Threshold, 9);
        Assert.Equal(0.5979608, applied.Threshold, 6);
        Assert.Equal(0.1, applied.ExpectedFpir!.Value, 9);
        Assert.Equal(10, applied.GallerySize);
        Assert.Contains("N = 10", applied.Reason, StringComparison.Ordinal);

        // A larger gallery needs a stricter threshold for the same FPIR.
        Assert.True(ThresholdPolicy.ForIdentification(null, 1000, 0.1, Shipped()).Threshold > applied.Threshold);
    }

    [Fact]
    public void A_raw_threshold_is_used_as_given_and_both_kinds_at_once_are_refused()
    {
        var applied = ThresholdPolicy.ForIdentification(new ThresholdRequest(Threshold: 0.55), 10, 0.01, Shipped());
        Assert.Equal(ThresholdSource.Requested, applied.Source);
        Assert.Equal(0.55, applied.Threshold);
        Assert.Equal(Math.Pow(10, -1.5), applied.PairFmr!.Value, 12);

        Assert.Throws<ArgumentException>(() => ThresholdPolicy.ForIdentification(new ThresholdRequest(0.01, 0.5), 10, 0.01, Shipped()));
        Assert.Throws<ArgumentException>(() => ThresholdPolicy.ForIdentification(new ThresholdRequest(TargetFpir: 1.5), 10, 0.01, Shipped()));
        Assert.Throws<ArgumentException>(() => ThresholdPolicy.ForIdentification(new ThresholdRequest(TargetFmr: 0.01), 10, 0.01, Shipped()));
        Assert.Throws<ArgumentException>(() => ThresholdPolicy.ForVerification(new ThresholdRequest(TargetFpir: 0.01), 0.01, Shipped()));
    }

    [Fact]
    public void Without_a_tail_the_manifest_pair_threshold_is_used_and_the_answer_says_so()
    {
        var withThreshold = Manifest with { Thresholds = new() { ["far_1e-3"] = 0.93 } };
        var fallback = ThresholdPolicy.ForIdentification(null, 300, 0.01, new ThresholdPolicy.Calibrations(new ModelVersion(withThreshold, Version.OnnxPath), null, null, null));
        Assert.Equal(ThresholdSource.ManifestFallback, fallback.Source);
        Assert.Equal(0.93, fallback.Threshold);
        Assert.Equal(0.259292967844, fallback.ExpectedFpir!.Value, 9);
        Assert.Contains("not calibrated", fallback.Reason, StringComparison.Ordinal);

        var none = ThresholdPolicy.ForIdentification(null, 300, 0.01, new ThresholdPolicy.Calibrations(Version, null, "measured for another recipe", null));
        Assert.Equal(ThresholdSource.Uncalibrated, none.Source);
        Assert.Equal(1.0, none.Threshold);
        Assert.Contains("measured for another recipe", none.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Verification_reads_the_tail_at_n_equals_one()
    {
        var applied = ThresholdPolicy.ForVerification(null, 1e-2, Shipped());
        Assert.Equal(0.6, applied.Threshold, 12);
        Assert.Equal(1, applied.GallerySize);
        Assert.Equal(1e-2, applied.TargetFmr);
        Assert.Null(applied.TargetFpir);
    }

    /// <summary>A gallery's own tail: log-linear, one decade per 0.05, shifted 0.2 above the shipped one (FMR 1e-1 at 0.7).</summary>
    private static GalleryCalibration GalleryTail(long scores)
    {
        var points = Enumerable.Range(0, 60).Select(j => (Score: 0.7 + (0.05 * j / 10.0), Fmr: Math.Pow(10, -1 - (j / 10.0)))).Where(p => p.Fmr * scores >= 10).ToList();
        return new GalleryCalibration("m", 30, 30, 90, scores, points.Select(p => p.Score).ToArray(), points.Select(p => p.Fmr).ToArray(), DateTimeOffset.UtcNow);
    }

    [Fact]
    public void The_gallery_s_own_scores_give_the_threshold_where_they_resolve_it()
    {
        // 1,000,000 scores resolve FMR 1e-3 with 1,000 above it: read off the gallery's tail (0.7 + 0.05 × 2), not the shipped one (0.7).
        var applied = ThresholdPolicy.ForIdentification(new ThresholdRequest(TargetFpir: 1e-3), 1, 0.01, Shipped() with { Gallery = GalleryTail(1_000_000) });
        Assert.Equal(ThresholdSource.Gallery, applied.Source);
        Assert.Equal(0.8, applied.Threshold, 6);
        Assert.Equal(1_000_000, applied.ImpostorScores);
        Assert.Contains("measured on the gallery's own impostor scores", applied.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Below_what_the_gallery_resolves_its_tail_is_the_shipped_shape_moved_onto_its_scores()
    {
        // 2,610 scores (30 people × 3 faces): the deep anchor is FMR 50/2610 ≈ 1.9e-2, the other a decade up. Both tails fall
        // 0.05 (gallery) and 0.1 (shipped) per decade, so the shipped tail is mapped with stretch 0.5 and the gallery's own
        // slope carries on: at FMR 1e-3 the threshold is the gallery's log-linear line, 0.7 + 0.05 × 2 = 0.8.
        var calibrations = Shipped() with { Gallery = GalleryTail(2_610) };
        var model = calibrations.GalleryModel!;
        Assert.Equal(0.5, model.Stretch, 6);
        Assert.False(model.Resolves(1e-3));
        var applied = ThresholdPolicy.ForIdentification(new ThresholdRequest(TargetFpir: 1e-3), 1, 0.01, calibrations);
        Assert.Equal(ThresholdSource.Gallery, applied.Source);
        Assert.Equal(0.8, applied.Threshold, 3);
        Assert.Contains("modelled", applied.Reason, StringComparison.Ordinal);
        Assert.Equal(1e-3, applied.PairFmr!.Value, 4);

        // Too few scores to model: the shipped calibration, and the answer says so.
        var shipped = ThresholdPolicy.ForIdentification(new ThresholdRequest(TargetFpir: 1e-3), 1, 0.01, Shipped() with { Gallery = GalleryTail(500) });
        Assert.Equal(ThresholdSource.Shipped, shipped.Source);
        Assert.Equal(0.7, shipped.Threshold, 6);
    }

    [Fact]
    public void Without_a_shipped_tail_the_gallery_s_tail_is_extended_exponentially()
    {
        var calibrations = new ThresholdPolicy.Calibrations(Version, null, null, GalleryTail(2_610));
        var applied = ThresholdPolicy.ForIdentification(new ThresholdRequest(TargetFpir: 1e-4), 1, 0.01, calibrations);
        Assert.Equal(ThresholdSource.Gallery, applied.Source);
        Assert.Equal(0.85, applied.Threshold, 3);
    }

    [Fact]
    public void Measure_scores_every_cross_identity_pair_once()
    {
        // Six unit vectors on a circle, 60° apart; identities {0,1}, {2,3}, {4,5}: 15 pairs, 3 of them mated.
        var embeddings = new float[12];
        for (var i = 0; i < 6; i++)
        {
            embeddings[2 * i] = (float)Math.Cos(i * Math.PI / 3);
            embeddings[(2 * i) + 1] = (float)Math.Sin(i * Math.PI / 3);
        }

        var tail = ImpostorCalibration.Measure(Version, embeddings, 2, [0, 0, 1, 1, 2, 2], "circle");

        // Impostor pairs: 12; their cosines: 60° apart ×3 (1–2, 3–4, 5–0) = 0.5, 120° ×6 = −0.5, 180° ×3 = −1.
        Assert.Equal(12, tail.Pairs);
        Assert.Equal(3, tail.Identities);
        Assert.Equal(0.5, tail.MaxScore, 3);

        // A point needs 10 pairs at or above it: only the first level (FMR ≤ 10^-0.05) resolves, 9 of 12 pairs above −0.9999.
        var point = Assert.Single(tail.Points);
        Assert.Equal(9 / 12.0, point.Fmr, 12);
        Assert.Equal(-0.9999, point.Score, 6);
    }

    [Theory]
    [InlineData(1f)]
    [InlineData(0.99995f)]
    public void Scores_piled_into_the_top_bin_end_the_tail_instead_of_giving_a_zero_fmr_point(float pile)
    {
        // A collapsed model (a barely trained 64-d network on an ORL gallery gave this): 600 of 1,000 impostor scores at
        // cosine 1 or just under (the top bins), 400 spread over 0.5–0.9. No threshold reaches an FMR under 0.6; the tail used to end
        // in the point (1, 0), which every reader of the tail then refused.
        var histogram = new long[ImpostorCalibration.BinCount];
        histogram[ImpostorCalibration.BinOf(pile)] = 600;
        for (var i = 0; i < 400; i++)
        {
            histogram[ImpostorCalibration.BinOf(0.5f + (i * 0.001f))]++;
        }

        var points = ImpostorCalibration.TailPoints(histogram, 1000);

        Assert.True(points.Count >= 2, $"{points.Count} points");
        Assert.All(points, p => Assert.True(p.Fmr >= 0.6, $"point ({p.Score}, {p.Fmr})"));
        var tail = GalleryTailModel.From(points, 1000, shipped: null); // validates the points
        Assert.NotNull(tail);
        Assert.InRange(tail.ThresholdFor(1e-3, out var modelled), 0.9, 1);
        Assert.True(modelled);
    }

    [Fact]
    public void Measure_against_centroids_scores_each_image_against_every_other_identity_s_centroid()
    {
        // Identities {0,1}, {2,3}, {4,5} on the circle at 0°/60°, 120°/180°, 240°/300°: centroids at 30°, 150°, 270°.
        var embeddings = new float[12];
        for (var i = 0; i < 6; i++)
        {
            embeddings[2 * i] = (float)Math.Cos(i * Math.PI / 3);
            embeddings[(2 * i) + 1] = (float)Math.Sin(i * Math.PI / 3);
        }

        var tail = ImpostorCalibration.Measure(Version, embeddings, 2, [0, 0, 1, 1, 2, 2], "circle", enrolledPerIdentity: 2);

        // 6 images × 2 foreign centroids; the nearest foreign centroid is 90° away from every image, so the best score is cos 90° = 0.
        Assert.Equal(12, tail.Pairs);
        Assert.Equal(2, tail.EnrolledPerIdentity);
        Assert.Equal(0.0, tail.MaxScore, 3);
    }
}
