using FaceGrains.Recognition.Images;
using FaceGrains.Recognition.Importers;
using FaceGrains.Recognition.Preprocessing;
using Microsoft.ML.OnnxRuntime;

namespace FaceGrains.Recognition.Detection;

/// <summary>
/// The imported 68-point landmark net. Follows face-api.js: the face box (clipped to the image, corners floored)
/// is cut out, put on a black 112×112 square as <see cref="Drawing"/> says (TensorFlow's resize or a browser
/// canvas's) and normalised <c>(px − mean) / 255</c>; the net's fractions of the square are mapped back through the padding
/// to the cut-out and shifted by the box's (unfloored) corner. Safe to call from many threads.
/// </summary>
public sealed class FaceLandmarker : IDisposable
{
    private const int Channels = 3;
    private static readonly float[] MeanRgb = [122.782f, 117.001f, 104.298f];
    private readonly InferenceSession _session;

    public FaceLandmarker(DetectionModel model, int intraOpNumThreads = 0, LandmarkInputDrawing drawing = LandmarkInputDrawing.TensorFlow)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!Enum.IsDefined(drawing))
        {
            throw new ArgumentOutOfRangeException(nameof(drawing), drawing, "Unknown landmark input drawing.");
        }

        Model = model;
        Drawing = drawing;
        _session = OnnxSessions.Open(model.OnnxPath, intraOpNumThreads);
    }

    public DetectionModel Model { get; }

    public LandmarkInputDrawing Drawing { get; }

    /// <summary>Landmarks of the whole image taken as one face (a face chip, as face-api.js's reference outputs).</summary>
    public FaceLandmarks DetectInChip(RgbImage chip) =>
        Detect(chip ?? throw new ArgumentNullException(nameof(chip)), [new FaceBox(0, 0, chip.Width, chip.Height)])[0]
        ?? throw new InvalidOperationException("A whole image always clips to itself.");

    /// <summary>Landmarks for each box, in one batch. A box that clips to nothing gets null.</summary>
    public FaceLandmarks?[] Detect(RgbImage image, IReadOnlyList<FaceBox> boxes)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(boxes);
        const int size = FaceLandmark68NetGraph.InputSize;
        const int plane = size * size;
        var results = new FaceLandmarks?[boxes.Count];
        var crops = new List<(int Index, int Width, int Height)>();
        var input = new float[boxes.Count * Channels * plane];
        var rgb = new float[Channels * plane];
        foreach (var (box, index) in boxes.Select((b, i) => (b, i)))
        {
            var cut = Cut(image, box);
            if (cut is null)
            {
                continue;
            }

            var slot = crops.Count;
            crops.Add((index, cut.Width, cut.Height));
            if (Drawing == LandmarkInputDrawing.Canvas)
            {
                DrawCentred(cut, size, rgb);
            }
            else
            {
                SquareResampler.Resample(cut, CropSquare.Of(cut.Width, cut.Height, CropPolicy.FitWhole), size, size, rgb, ResizeMethod.TensorFlowLegacy);
            }
            var target = input.AsSpan(slot * Channels * plane, Channels * plane);
            for (int p = 0, i = 0; p < plane; p++, i += Channels)
            {
                target[p] = (rgb[i] - MeanRgb[0]) / 255f;
                target[plane + p] = (rgb[i + 1] - MeanRgb[1]) / 255f;
                target[(2 * plane) + p] = (rgb[i + 2] - MeanRgb[2]) / 255f;
            }
        }

        if (crops.Count == 0)
        {
            return results;
        }

        float[] output;
        using (var tensor = OrtValue.CreateTensorValueFromMemory(input, [crops.Count, Channels, size, size]))
        using (var runOptions = new RunOptions())
        using (var outputs = _session.Run(runOptions, [FaceLandmark68NetGraph.InputName], [tensor], [FaceLandmark68NetGraph.OutputName]))
        {
            output = outputs[0].GetTensorDataAsSpan<float>().ToArray();
        }

        for (var slot = 0; slot < crops.Count; slot++)
        {
            var (index, w, h) = crops[slot];
            results[index] = ToImage(output.AsSpan(slot * 2 * FaceLandmarks.Count, 2 * FaceLandmarks.Count), w, h, boxes[index].X, boxes[index].Y);
        }

        return results;
    }

    /// <summary>The net's fractions of the padded square → pixels of the image (face-api.js's post-processing).</summary>
    internal static FaceLandmarks ToImage(ReadOnlySpan<float> fractions, int cutWidth, int cutHeight, double shiftX, double shiftY)
    {
        const double size = FaceLandmark68NetGraph.InputSize;
        var scale = size / Math.Max(cutWidth, cutHeight);
        var w = cutWidth * scale;
        var h = cutHeight * scale;
        var padX = w < h ? Math.Abs(w - h) / 2 : 0;
        var padY = h < w ? Math.Abs(w - h) / 2 : 0;
        var points = new FacePoint[FaceLandmarks.Count];
        for (var i = 0; i < points.Length; i++)
        {
            var x = ((fractions[2 * i] * size) - padX) / w;
            var y = ((fractions[(2 * i) + 1] * size) - padY) / h;
            points[i] = new FacePoint((x * cutWidth) + shiftX, (y * cutHeight) + shiftY);
        }

        return new FaceLandmarks(points);
    }

    /// <summary>
    /// The cut-out scaled to fit a black <paramref name="size"/>² square and centred in it, as face-api.js's
    /// <c>imageToSquare</c> draws it on a canvas (its reference outputs were made in a browser): the drawn rectangle
    /// keeps its fractional offset and size, a square pixel is painted when its centre falls inside it, and its
    /// colour is the bilinear sample at the pixel centre's source position (half-pixel centres, edges clamped, no
    /// antialiasing). Output: interleaved RGB floats, row by row.
    /// </summary>
    internal static void DrawCentred(RgbImage cut, int size, Span<float> rgb)
    {
        var scale = (double)size / Math.Max(cut.Width, cut.Height);
        var drawnWidth = cut.Width * scale;
        var drawnHeight = cut.Height * scale;
        var left = (size - drawnWidth) / 2;
        var top = (size - drawnHeight) / 2;
        var src = cut.Pixels;
        int w = cut.Width, h = cut.Height;
        rgb[..(size * size * Channels)].Clear();
        for (var v = 0; v < size; v++)
        {
            var cy = v + 0.5;
            if (cy < top || cy > top + drawnHeight)
            {
                continue;
            }

            var y = Math.Clamp(((cy - top) / scale) - 0.5, 0, h - 1);
            var y0 = (int)Math.Floor(y);
            var y1 = Math.Min(y0 + 1, h - 1);
            var fy = y - y0;
            for (var u = 0; u < size; u++)
            {
                var cx = u + 0.5;
                if (cx < left || cx > left + drawnWidth)
                {
                    continue;
                }

                var x = Math.Clamp(((cx - left) / scale) - 0.5, 0, w - 1);
                var x0 = (int)Math.Floor(x);
                var x1 = Math.Min(x0 + 1, w - 1);
                var fx = x - x0;
                var o = ((v * size) + u) * Channels;
                for (var c = 0; c < Channels; c++)
                {
                    var upper = (src[(((y0 * w) + x0) * Channels) + c] * (1 - fx)) + (src[(((y0 * w) + x1) * Channels) + c] * fx);
                    var lower = (src[(((y1 * w) + x0) * Channels) + c] * (1 - fx)) + (src[(((y1 * w) + x1) * Channels) + c] * fx);
                    rgb[o + c] = (float)((upper * (1 - fy)) + (lower * fy));
                }
            }
        }
    }

    /// <summary>The box clipped to the image with its corner and size floored, as pixels; null when nothing is left.</summary>
    internal static RgbImage? Cut(RgbImage image, FaceBox box)
    {
        var x = Math.Max(box.X, 0);
        var y = Math.Max(box.Y, 0);
        var w = (int)Math.Floor(Math.Min(box.Right - x, image.Width - x));
        var h = (int)Math.Floor(Math.Min(box.Bottom - y, image.Height - y));
        var left = (int)Math.Floor(x);
        var top = (int)Math.Floor(y);
        w = Math.Min(w, image.Width - left);
        h = Math.Min(h, image.Height - top);
        if (w <= 0 || h <= 0)
        {
            return null;
        }

        if (left == 0 && top == 0 && w == image.Width && h == image.Height)
        {
            return image;
        }

        var pixels = new byte[w * h * Channels];
        for (var row = 0; row < h; row++)
        {
            image.Pixels.AsSpan((((top + row) * image.Width) + left) * Channels, w * Channels).CopyTo(pixels.AsSpan(row * w * Channels));
        }

        return new RgbImage(w, h, pixels);
    }

    public void Dispose() => _session.Dispose();
}
