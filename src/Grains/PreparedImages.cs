using System.Security.Cryptography;
using FaceGrains.Grains.Interfaces;
using FaceGrains.Recognition.Images;
using FaceGrains.Recognition.Preprocessing;

namespace FaceGrains.Grains;

/// <summary>
/// Images decoded, hashed and preprocessed into one NCHW tensor (only the usable ones, in order), with each image's
/// face id, size and rejection. Decoding errors become rejections here, so one bad image never fails a batch.
/// </summary>
public sealed class PreparedImages
{
    private PreparedImages(string[] faceIds, int[] widths, int[] heights, ProbeRejection?[] rejections, int[] rowOf, float[] tensors, int usable)
    {
        FaceIds = faceIds;
        Widths = widths;
        Heights = heights;
        Rejections = rejections;
        RowOf = rowOf;
        Tensors = tensors;
        UsableCount = usable;
    }

    /// <summary>sha256 (lower-case hex) of each image's bytes.</summary>
    public string[] FaceIds { get; }

    public int[] Widths { get; }

    public int[] Heights { get; }

    /// <summary>Per image: null when usable, else why not.</summary>
    public ProbeRejection?[] Rejections { get; }

    /// <summary>Per image: its row in <see cref="Tensors"/>, or −1 when rejected.</summary>
    public int[] RowOf { get; }

    /// <summary><see cref="UsableCount"/> preprocessed images, NCHW.</summary>
    public float[] Tensors { get; }

    public int UsableCount { get; }

    public static string FaceIdOf(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>Decodes and preprocesses every image (in parallel), as <paramref name="model"/> expects.</summary>
    public static PreparedImages Prepare(IReadOnlyList<FaceImage> images, LoadedModel model)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(model);
        var n = images.Count;
        var inputSize = model.Embedder.InputSize;
        var faceIds = new string[n];
        var widths = new int[n];
        var heights = new int[n];
        var rejections = new ProbeRejection?[n];
        var staging = new float[n][];
        Parallel.For(0, n, i =>
        {
            var bytes = images[i]?.Bytes ?? [];
            faceIds[i] = FaceIdOf(bytes);
            try
            {
                var image = ImageDecoder.Decode(bytes, model.Limits);
                widths[i] = image.Width;
                heights[i] = image.Height;
                var tensor = new float[inputSize];
                Preprocessor.ToTensor(image, model.Version.Manifest.Preprocessing, model.Crop, tensor);
                staging[i] = tensor;
            }
            catch (ImageRejectedException e)
            {
                rejections[i] = new ProbeRejection(StatusOf(e.Reason), e.Message);
            }
        });

        var rowOf = new int[n];
        var usable = 0;
        for (var i = 0; i < n; i++)
        {
            rowOf[i] = staging[i] is null ? -1 : usable++;
        }

        var tensors = new float[usable * inputSize];
        for (var i = 0; i < n; i++)
        {
            if (rowOf[i] >= 0)
            {
                staging[i].CopyTo(tensors.AsSpan(rowOf[i] * inputSize, inputSize));
            }
        }

        return new PreparedImages(faceIds, widths, heights, rejections, rowOf, tensors, usable);
    }

    public static FaceStatus StatusOf(ImageRejectionReason reason) => reason switch
    {
        ImageRejectionReason.Empty => FaceStatus.Empty,
        ImageRejectionReason.Truncated => FaceStatus.Truncated,
        ImageRejectionReason.TooManyPixels => FaceStatus.TooManyPixels,
        ImageRejectionReason.TooLarge => FaceStatus.TooLarge,
        ImageRejectionReason.ZeroSized => FaceStatus.ZeroSized,
        _ => FaceStatus.Undecodable,
    };
}
