using FaceGrains.Trainer.Losses;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace FaceGrains.Trainer.Tests.Losses;

/// <summary>Each loss on a tiny batch against the value worked out by hand from its formula.</summary>
public sealed class LossValueTests
{
    private const double Tolerance = 1e-4;

    private static double Deg(double d) => d * Math.PI / 180;

    /// <summary>Cross-entropy of logits z at target t, computed by hand.</summary>
    private static double Ce(double[] z, int t) => Math.Log(z.Sum(Math.Exp)) - z[t];

    private static Tensor UnitAt(double degrees) => tensor(new[] { (float)Math.Cos(Deg(degrees)), (float)Math.Sin(Deg(degrees)) }, [1, 2]);

    private static void SetIdentityWeight(Tensor weight)
    {
        using var noGrad = no_grad();
        weight.copy_(eye(2));
    }

    private static double Value(EmbeddingLoss loss, Tensor x, long[] labels) => loss.call(x, tensor(labels)).item<float>();

    [Fact]
    public void Softmax_cross_entropy_with_and_without_label_smoothing()
    {
        using var scope = NewDisposeScope();
        foreach (var smoothing in new[] { 0.0, 0.1 })
        {
            var loss = new SoftmaxLoss(2, 2, smoothing);
            using (no_grad())
            {
                ((TorchSharp.Modules.Linear)loss.Classifier).weight!.copy_(eye(2));
                ((TorchSharp.Modules.Linear)loss.Classifier).bias!.zero_();
            }

            // logits [1, 0], target 0: CE = log(1 + e^-1); smoothing spreads ε over both classes.
            var ce0 = Ce([1, 0], 0);
            var ce1 = Ce([1, 0], 1);
            var expected = ((1 - smoothing) * ce0) + (smoothing * 0.5 * (ce0 + ce1));
            Assert.Equal(expected, Value(loss, tensor(new float[] { 1, 0 }, [1, 2]), [0]), Tolerance);
        }

        Assert.Equal(0.31326, Ce([1, 0], 0), 1e-5);
    }

    [Fact]
    public void Center_loss_adds_half_the_squared_distance_to_the_centre()
    {
        using var scope = NewDisposeScope();
        var loss = new CenterLoss(2, 2, lambda: 0.5, labelSmoothing: 0);
        using (no_grad())
        {
            ((TorchSharp.Modules.Linear)loss.Softmax.Classifier).weight!.copy_(eye(2));
            ((TorchSharp.Modules.Linear)loss.Softmax.Classifier).bias!.zero_();
            loss.Centers.copy_(tensor(new float[] { 0, 0, 3, 4 }, [2, 2]));
        }

        // x = [1, 0], label 0: CE(log(1+e^-1)) + 0.5 · ½ · ‖[1,0] − [0,0]‖² = CE + 0.25
        Assert.Equal(Ce([1, 0], 0) + 0.25, Value(loss, tensor(new float[] { 1, 0 }, [1, 2]), [0]), Tolerance);
    }

    [Theory]
    [InlineData(60.0)]
    [InlineData(170.0)] // θ + m > π: the fallback cos θ − m·sin m
    public void ArcFace_adds_the_angular_margin_to_the_target(double thetaDegrees)
    {
        using var scope = NewDisposeScope();
        const double s = 2, m = 0.5;
        var loss = new ArcFaceLoss(2, 2, s, m);
        SetIdentityWeight(loss.Weight);
        var theta = Deg(thetaDegrees);
        var target = theta + m <= Math.PI ? Math.Cos(theta + m) : Math.Cos(theta) - (m * Math.Sin(m));
        var other = Math.Cos(Deg(90 - thetaDegrees)); // the angle to class 1's axis
        Assert.Equal(Ce([s * target, s * other], 0), Value(loss, UnitAt(thetaDegrees), [0]), Tolerance);
    }

    [Fact]
    public void CosFace_subtracts_the_margin_from_the_target_cosine()
    {
        using var scope = NewDisposeScope();
        var loss = new CosFaceLoss(2, 2, scale: 4, margin: 0.35);
        SetIdentityWeight(loss.Weight);
        Assert.Equal(Ce([4 * (0.5 - 0.35), 4 * Math.Sin(Deg(60))], 0), Value(loss, UnitAt(60), [0]), Tolerance);
    }

    [Theory]
    [InlineData(60.0, -0.5)]        // mθ = 120°, k = 0: cos 120°
    [InlineData(100.0, -1.0603074)] // mθ = 200°, k = 1: −cos 200° − 2
    public void SphereFace_multiplies_the_angle_with_the_monotonic_extension(double thetaDegrees, double psi)
    {
        using var scope = NewDisposeScope();
        var loss = new SphereFaceLoss(2, 2, scale: 3, margin: 2);
        SetIdentityWeight(loss.Weight);
        Assert.Equal(psi, SphereFaceLoss.Psi(tensor(new[] { Math.Cos(Deg(thetaDegrees)) }), 2).item<double>(), 1e-5);
        var other = Math.Cos(Deg(90 - thetaDegrees));
        Assert.Equal(Ce([3 * psi, 3 * other], 0), Value(loss, UnitAt(thetaDegrees), [0]), Tolerance);
    }

    [Fact]
    public void Annealed_SphereFace_blends_cos_and_psi_with_a_falling_lambda()
    {
        using var scope = NewDisposeScope();
        var loss = new SphereFaceLoss(2, 2, scale: 3, margin: 2, anneal: 0.5, lambdaMin: 5);
        SetIdentityWeight(loss.Weight);
        var cos = Math.Cos(Deg(60));
        var psi = -0.5; // mθ = 120°
        var other = Math.Cos(Deg(30));

        // λ starts at 1000: nearly a plain normalised softmax; it reaches lambda_min halfway and stays there.
        Assert.Equal(1000, SphereFaceLoss.AnnealedLambda(0, 0.5, 5), 9);
        Assert.Equal(5, SphereFaceLoss.AnnealedLambda(0.5, 0.5, 5), 9);
        Assert.Equal(5, SphereFaceLoss.AnnealedLambda(0.9, 0.5, 5), 9);
        Assert.True(SphereFaceLoss.AnnealedLambda(0.1, 0.5, 5) is < 1000 and > 5);

        loss.SetProgress(0);
        Assert.Equal(Ce([3 * ((1000 * cos) + psi) / 1001, 3 * other], 0), Value(loss, UnitAt(60), [0]), Tolerance);
        loss.SetProgress(0.75);
        Assert.Equal(5, loss.Lambda, 9);
        Assert.Equal(Ce([3 * ((5 * cos) + psi) / 6, 3 * other], 0), Value(loss, UnitAt(60), [0]), Tolerance);

        // Without annealing SetProgress changes nothing: the target stays ψ.
        var plain = new SphereFaceLoss(2, 2, scale: 3, margin: 2);
        SetIdentityWeight(plain.Weight);
        plain.SetProgress(0.3);
        Assert.Equal(Ce([3 * psi, 3 * other], 0), Value(plain, UnitAt(60), [0]), Tolerance);
    }

    [Fact]
    public void Combined_margin_is_s_times_cos_of_m1_theta_plus_m2_minus_m3()
    {
        using var scope = NewDisposeScope();
        var loss = new CombinedMarginLoss(2, 2, scale: 2, m1: 1.2, m2: 0.3, m3: 0.2);
        SetIdentityWeight(loss.Weight);
        var target = Math.Cos((1.2 * Deg(50)) + 0.3) - 0.2;
        Assert.Equal(Ce([2 * target, 2 * Math.Cos(Deg(40))], 0), Value(loss, UnitAt(50), [0]), Tolerance);
    }

    /// <summary>Points on the unit circle at 0°, 60° (same identity) and 90° (another).</summary>
    private static Tensor ThreePoints() => cat([UnitAt(0), UnitAt(60), UnitAt(90)], 0);

    private static double Chord(double degrees) => 2 * Math.Sin(Deg(degrees) / 2);

    [Fact]
    public void Triplet_batch_hard_uses_the_farthest_positive_and_nearest_negative()
    {
        using var scope = NewDisposeScope();
        var loss = new TripletLoss(margin: 0.5);
        // Anchor 0°: pos 60° (d = 1), neg 90° → max(0, 1 − 1.414 + 0.5); anchor 60°: pos 0° (1), neg 90° (chord 30°).
        // Anchor 90° has no positive and is left out.
        var expected = (Math.Max(0, Chord(60) - Chord(90) + 0.5) + Math.Max(0, Chord(60) - Chord(30) + 0.5)) / 2;
        Assert.Equal(expected, Value(loss, ThreePoints(), [0, 0, 1]), Tolerance);
    }

    [Fact]
    public void Triplet_batch_all_averages_only_the_triplets_that_violate_the_margin()
    {
        using var scope = NewDisposeScope();
        // Margin 0.1: anchor 0° (pos 60°, neg 90°) already satisfies it (1 − 1.414 + 0.1 < 0) and is not counted;
        // anchor 60° (pos 0°, neg 90°: chord 30°) violates it. Batch-hard would halve that over both anchors.
        var expected = Chord(60) - Chord(30) + 0.1;
        Assert.Equal(expected, Value(new TripletLoss(margin: 0.1, allTriplets: true), ThreePoints(), [0, 0, 1]), Tolerance);
        Assert.Equal(expected / 2, Value(new TripletLoss(margin: 0.1), ThreePoints(), [0, 0, 1]), Tolerance);
    }

    [Fact]
    public void Contrastive_averages_positive_and_negative_pair_terms()
    {
        using var scope = NewDisposeScope();
        var loss = new ContrastiveLoss(margin: 1.2);
        var positive = 0.5 * Math.Pow(Chord(60), 2);
        var negatives = new[] { Chord(90), Chord(30) }.Select(d => 0.5 * Math.Pow(Math.Max(0, 1.2 - d), 2)).Average();
        Assert.Equal(positive + negatives, Value(loss, ThreePoints(), [0, 0, 1]), Tolerance);
    }

    [Fact]
    public void Supervised_contrastive_matches_the_formula()
    {
        using var scope = NewDisposeScope();
        const double t = 0.5;
        var loss = new SupConLoss(t);
        double Sim(double a, double b) => Math.Cos(Deg(a - b)) / t;

        // Anchors 0° and 60° each have one positive (each other); 90° has none.
        var a0 = -(Sim(0, 60) - Math.Log(Math.Exp(Sim(0, 60)) + Math.Exp(Sim(0, 90))));
        var a1 = -(Sim(60, 0) - Math.Log(Math.Exp(Sim(60, 0)) + Math.Exp(Sim(60, 90))));
        Assert.Equal((a0 + a1) / 2, Value(loss, ThreePoints(), [0, 0, 1]), Tolerance);
    }

    [Fact]
    public void Joint_loss_is_the_weighted_sum()
    {
        using var scope = NewDisposeScope();
        var triplet = new TripletLoss(0.5);
        var contrastive = new ContrastiveLoss(1.2);
        var joint = new JointLoss([(triplet, 0.7), (contrastive, 0.3)]);
        var x = ThreePoints();
        var expected = (0.7 * Value(triplet, x, [0, 0, 1])) + (0.3 * Value(contrastive, x, [0, 0, 1]));
        Assert.Equal(expected, Value(joint, x, [0, 0, 1]), Tolerance);
    }
}
