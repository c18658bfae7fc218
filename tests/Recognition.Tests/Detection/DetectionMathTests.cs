using FaceGrains.Recognition.Detection;
using FaceGrains.Recognition.Images;
using FaceGrains.Recognition.Importers;
using FaceGrains.Recognition.Preprocessing;
using Xunit;

namespace FaceGrains.Recognition.Tests.Detection;

/// <summary>The detection stage's arithmetic against hand-worked values: anchors, NMS, padding, alignment, warp, quality.</summary>
public sealed class DetectionMathTests
{
    [Fact]
    public void A_zero_encoding_returns_the_anchor_and_offsets_scale_with_its_size()
    {
        float[] anchor = [0.2f, 0.1f, 0.6f, 0.3f]; // ymin, xmin, ymax, xmax: centre (0.4, 0.2), size 0.4 × 0.2
        var box = new float[4];

        SsdOutputDecoder.DecodeOne(anchor, 0, 0, 0, 0, box);
        Assert.Equal(anchor, box, (a, b) => Math.Abs(a - b) < 1e-6f);

        // ty = 10 moves the centre down by one anchor height; th = 5·ln 2 doubles the height.
        SsdOutputDecoder.DecodeOne(anchor, 10, -5, 5 * MathF.Log(2), 0, box);
        Assert.Equal([0.4f, 0.0f, 1.2f, 0.2f], box, (a, b) => Math.Abs(a - b) < 1e-6f);
    }

    [Fact]
    public void Decode_reads_predictor_maps_in_row_column_anchor_order_and_scores_class_1()
    {
        // One predictor, 2×2 map, 2 anchors per cell: anchor i = (cell, anchor) in TF's order.
        const int a = 2, s = 2, plane = s * s;
        var anchors = new float[a * plane * 4];
        for (var i = 0; i < a * plane; i++)
        {
            anchors[(i * 4) + 2] = anchors[(i * 4) + 3] = 1; // unit anchors at the origin
        }

        var box = new float[a * 4 * plane];
        var cls = new float[a * 3 * plane];
        // Cell (row 1, col 0) = cell 2, anchor 1 → decoded index 2·2 + 1 = 5: shift it right by 0.1 and make it a face.
        box[(((1 * 4) + 1) * plane) + 2] = 1;
        cls[(((1 * 3) + 1) * plane) + 2] = 4;
        var boxes = new float[a * plane * 4];
        var scores = new float[a * plane];

        SsdOutputDecoder.Decode(anchors, [box], [cls], [a], [s], boxes, scores);

        Assert.Equal(0.1f, boxes[(5 * 4) + 1], 5);
        Assert.Equal(1f / (1f + MathF.Exp(-4)), scores[5], 5);
        Assert.All(Enumerable.Range(0, a * plane).Where(i => i != 5), i => Assert.Equal(0.5f, scores[i], 5));
    }

    [Fact]
    public void Nms_keeps_the_best_of_overlapping_boxes_and_every_separate_one()
    {
        FaceBox[] boxes =
        [
            new(0, 0, 10, 10),
            new(1, 0, 10, 10), // IoU with the first 9/11 = 0.82: suppressed
            new(20, 20, 10, 10),
            new(5, 0, 10, 10), // IoU with the first 50/150 = 0.33: kept
            new(40, 40, 10, 10), // below the score threshold
        ];
        float[] scores = [0.8f, 0.9f, 0.7f, 0.6f, 0.4f];

        var kept = NonMaxSuppression.Select(boxes, scores, 0.5f, 0.5, 100);

        Assert.Equal([1, 2, 3], kept); // box 1 beats box 0; box 3 overlaps box 1 by 40/160 = 0.25
        Assert.Equal([1], NonMaxSuppression.Select(boxes, scores, 0.5f, 0.5, 1));
        Assert.Equal(9.0 / 11.0, FaceBox.IntersectionOverUnion(boxes[0], boxes[1]), 10);
    }

    [Theory]
    [InlineData(512, 3, 2, 256, 0, 1)] // TF puts the odd pixel after
    [InlineData(112, 3, 2, 56, 0, 1)]
    [InlineData(7, 3, 2, 4, 1, 1)]
    [InlineData(32, 3, 1, 32, 1, 1)]
    [InlineData(16, 1, 1, 16, 0, 0)]
    public void Tf_same_padding(int size, int kernel, int stride, int output, int before, int after) =>
        Assert.Equal((output, before, after), TfjsGraphBuilder.SamePadding(size, kernel, stride));

    [Fact]
    public void Similarity_estimate_recovers_a_known_transform_exactly()
    {
        var truth = new SimilarityTransform(1.2 * Math.Cos(0.3), 1.2 * Math.Sin(0.3), 15, -7);
        FacePoint[] from = [new(10, 20), new(50, 22), new(30, 40), new(15, 60), new(45, 61)];
        var to = from.Select(truth.Apply).ToArray();

        var estimate = SimilarityTransform.Estimate(from, to);

        Assert.Equal(truth.A, estimate.A, 10);
        Assert.Equal(truth.B, estimate.B, 10);
        Assert.Equal(truth.Tx, estimate.Tx, 10);
        Assert.Equal(truth.Ty, estimate.Ty, 10);
        var back = estimate.Inverse().Apply(estimate.Apply(new FacePoint(3, 4)));
        Assert.Equal(3, back.X, 10);
        Assert.Equal(4, back.Y, 10);
    }

    [Fact]
    public void Similarity_least_squares_matches_a_hand_solution()
    {
        // Two points (0,0),(2,0) onto (1,1),(1,3): rotation 90°, scale 1, the first point to (1,1).
        // A third, inconsistent pair makes it a least-squares fit.
        var exact = SimilarityTransform.Estimate([new(0, 0), new(2, 0)], [new(1, 1), new(1, 3)]);
        Assert.Equal((0, 1, 1, 1), (Math.Round(exact.A, 12), Math.Round(exact.B, 12), Math.Round(exact.Tx, 12), Math.Round(exact.Ty, 12)));

        // Centred source: (-2/3,-1/3),(4/3,-1/3),(-2/3,2/3), Σ|p|² = 10/3; centred target: (1,-1),(1,1),(-2,0):
        // Σ p·q = -2/3+1/3 + 4/3-1/3 + 4/3+0 = 2, Σ p×q = 2/3+1/3 + 4/3+1/3 + 0+4/3 = 4 → a = 0.6, b = 1.2.
        var fit = SimilarityTransform.Estimate([new(0, 0), new(2, 0), new(0, 1)], [new(1, 1), new(1, 3), new(-2, 2)]);
        Assert.Equal(0.6, fit.A, 12);
        Assert.Equal(1.2, fit.B, 12);
    }

    [Fact]
    public void Dlib_template_is_the_mean_face_in_a_padded_150_chip()
    {
        var t = FaceTemplate.DlibChip150;

        Assert.Equal((150, 150), (t.Width, t.Height));
        // chip = (0.25 + m) / 1.5 × 150 = 100·m + 25, m from dlib's mean face shape.
        Assert.Equal(100 * ((0.121737 + 0.187122 + 0.265825 + 0.334606 + 0.260918 + 0.182743) / 6) + 25, t.Points[0][0], 9);
        Assert.Equal(74.0127, t.Points[2][0], 4); // nose tip x
        Assert.Equal(76.5625, t.Points[2][1], 4);
        Assert.Equal(103.0233, t.Points[3][1], 4); // mouth corners share y
        Assert.Equal(t.Points[3][1], t.Points[4][1], 9);
        Assert.Equal(t.Points[0][1], t.Points[1][1], 9); // level eyes
        FaceTemplate.ArcFace112.Validate();
    }

    [Fact]
    public void Warp_by_a_translation_moves_pixels_and_fills_outside_with_black()
    {
        var pixels = new byte[4 * 4 * 3];
        pixels[((1 * 4) + 2) * 3] = 200; // red at (x 2, y 1)
        var image = new RgbImage(4, 4, pixels);

        var chip = FaceAligner.Warp(image, new SimilarityTransform(1, 0, -1, 1), 4, 4); // chip = image + (−1, +1)

        Assert.Equal(200, chip.Pixels[((2 * 4) + 1) * 3]);
        Assert.Equal(0, chip.Pixels[0]); // chip (0,0) ← image (1,−1): outside
    }

    [Fact]
    public void Warp_samples_bilinearly_between_pixels()
    {
        var image = new RgbImage(2, 1, [0, 0, 0, 100, 100, 100]);

        var chip = FaceAligner.Warp(image, new SimilarityTransform(1, 0, -0.25, 0), 1, 1); // chip (0,0) ← image (0.25, 0)

        Assert.Equal(25, chip.Pixels[0]);
    }

    [Fact]
    public void Aligning_template_points_onto_the_template_is_the_identity()
    {
        var five = FaceTemplate.DlibChip150.Points.Select(p => new FacePoint(p[0], p[1])).ToArray();

        var t = FaceAligner.TransformFor(five, FaceTemplate.DlibChip150);

        Assert.Equal(1, t.A, 12);
        Assert.Equal(0, t.B, 12);
        Assert.Equal(0, t.Tx, 9);
        Assert.Equal(0, t.Ty, 9);
    }

    [Fact]
    public void Pose_and_sharpness_measures()
    {
        var five = FaceTemplate.DlibChip150.Points.Select(p => new FacePoint(p[0], p[1])).ToArray();
        Assert.Equal(0, FaceQualityMeasure.Roll(five), 9);
        Assert.Equal(0, FaceQualityMeasure.Yaw(five), 1);
        Assert.Equal(0, FaceQualityMeasure.Pitch(five), 0);

        // Rotated 30° clockwise on screen.
        var turn = new SimilarityTransform(Math.Cos(Math.PI / 6), Math.Sin(Math.PI / 6), 0, 0);
        Assert.Equal(30, FaceQualityMeasure.Roll(five.Select(turn.Apply).ToArray()), 9);

        // Nose moved sideways by 0.3 inter-ocular distances: yaw asin(0.3 / 0.6) = 30°.
        var eyeDistance = five[1].X - five[0].X;
        var turned = five.ToArray();
        turned[2] = new FacePoint(((five[0].X + five[1].X) / 2) + (0.3 * eyeDistance), five[2].Y);
        Assert.Equal(30, FaceQualityMeasure.Yaw(turned), 6);

        // A flat image has no Laplacian; a checkerboard has the largest.
        Assert.Equal(0, FaceQualityMeasure.LaplacianVariance(new RgbImage(8, 8, Enumerable.Repeat((byte)90, 8 * 8 * 3).ToArray())));
        var checker = new byte[8 * 8 * 3];
        for (var i = 0; i < 64; i++)
        {
            checker[3 * i] = checker[(3 * i) + 1] = checker[(3 * i) + 2] = (byte)((((i % 8) + (i / 8)) % 2) * 100);
        }

        Assert.True(FaceQualityMeasure.LaplacianVariance(new RgbImage(8, 8, checker)) > 1000);
    }
}
