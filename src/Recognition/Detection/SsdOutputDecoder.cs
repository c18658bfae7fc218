namespace FaceGrains.Recognition.Detection;

/// <summary>
/// Turns the SSD's six predictor outputs into one list of boxes and face scores, as face-api.js's output layer
/// does: predictor k's maps (NCHW, A anchors per cell) are read in TF's (row, column, anchor) order, so box i
/// pairs with anchor i; an encoding (ty, tx, th, tw) moves the anchor's centre by (ty/10, tx/10) × its size and
/// scales its size by exp(th/5), exp(tw/5); the face score is the sigmoid of class logit 1 (0 is background).
/// Boxes are [ymin, xmin, ymax, xmax] as fractions of the square input.
/// </summary>
public static class SsdOutputDecoder
{
    public const int ClassCount = 3;
    private const float CenterScale = 10f;
    private const float SizeScale = 5f;

    /// <param name="anchors">[ymin, xmin, ymax, xmax] per anchor, all predictors in order.</param>
    /// <param name="boxEncodings">Predictor k's box map for one image: [A·4, S, S].</param>
    /// <param name="classLogits">Predictor k's class map for one image: [A·3, S, S].</param>
    /// <param name="anchorsPerCell">A per predictor.</param>
    /// <param name="mapSizes">S per predictor.</param>
    /// <param name="boxes">Receives 4 floats per anchor.</param>
    /// <param name="scores">Receives one face probability per anchor.</param>
    public static void Decode(
        ReadOnlySpan<float> anchors,
        IReadOnlyList<float[]> boxEncodings,
        IReadOnlyList<float[]> classLogits,
        IReadOnlyList<int> anchorsPerCell,
        IReadOnlyList<int> mapSizes,
        Span<float> boxes,
        Span<float> scores)
    {
        var total = 0;
        for (var k = 0; k < anchorsPerCell.Count; k++)
        {
            total += anchorsPerCell[k] * mapSizes[k] * mapSizes[k];
        }

        if (anchors.Length != total * 4 || boxes.Length != total * 4 || scores.Length != total)
        {
            throw new ArgumentException($"Expected {total} anchors (4 floats each), boxes and scores; got {anchors.Length / 4}, {boxes.Length / 4}, {scores.Length}.");
        }

        var i = 0;
        for (var k = 0; k < anchorsPerCell.Count; k++)
        {
            int a = anchorsPerCell[k], s = mapSizes[k], plane = s * s;
            if (boxEncodings[k].Length != a * 4 * plane || classLogits[k].Length != a * ClassCount * plane)
            {
                throw new ArgumentException($"Predictor {k}: expected {a * 4 * plane} box and {a * ClassCount * plane} class values, got {boxEncodings[k].Length} and {classLogits[k].Length}.");
            }

            for (var cell = 0; cell < plane; cell++)
            {
                for (var anchor = 0; anchor < a; anchor++, i++)
                {
                    var box = boxEncodings[k];
                    var ty = box[(((anchor * 4) + 0) * plane) + cell];
                    var tx = box[(((anchor * 4) + 1) * plane) + cell];
                    var th = box[(((anchor * 4) + 2) * plane) + cell];
                    var tw = box[(((anchor * 4) + 3) * plane) + cell];
                    DecodeOne(anchors.Slice(i * 4, 4), ty, tx, th, tw, boxes.Slice(i * 4, 4));
                    var logit = classLogits[k][(((anchor * ClassCount) + 1) * plane) + cell];
                    scores[i] = 1f / (1f + MathF.Exp(-logit));
                }
            }
        }
    }

    /// <summary>One anchor [ymin, xmin, ymax, xmax] and its encoding → the decoded box.</summary>
    public static void DecodeOne(ReadOnlySpan<float> anchor, float ty, float tx, float th, float tw, Span<float> box)
    {
        var height = anchor[2] - anchor[0];
        var width = anchor[3] - anchor[1];
        var cy = anchor[0] + (height / 2);
        var cx = anchor[1] + (width / 2);
        var centerY = (ty / CenterScale * height) + cy;
        var centerX = (tx / CenterScale * width) + cx;
        var halfH = MathF.Exp(th / SizeScale) * height / 2;
        var halfW = MathF.Exp(tw / SizeScale) * width / 2;
        box[0] = centerY - halfH;
        box[1] = centerX - halfW;
        box[2] = centerY + halfH;
        box[3] = centerX + halfW;
    }
}
