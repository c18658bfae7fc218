using System.Security.Cryptography;
using FaceGrains.Grains.Interfaces;
using FaceGrains.Recognition.Detection;
using FaceGrains.Recognition.Images;

namespace FaceGrains.Grains;

/// <summary>
/// Images decoded, hashed and their faces prepared by the served version's <see cref="FacePreparer"/> (the recipe), as
/// one NCHW tensor of every prepared face in order, with each image's faces, other faces and rejection. Decoding errors
/// and photos without a face become rejections here, so one bad image never fails a batch.
/// </summary>
public sealed class PreparedImages
{
    private PreparedImages(string[] faceIds, PreparedPhoto?[] photos, ProbeRejection?[] rejections, int[] firstRow, float[] tensors, int rows)
    {
        FaceIds = faceIds;
        Photos = photos;
        Rejections = rejections;
        FirstRow = firstRow;
        Tensors = tensors;
        RowCount = rows;
    }

    /// <summary>sha256 (lower-case hex) of each image's bytes.</summary>
    public string[] FaceIds { get; }

    /// <summary>Per image: what the preparer made of it (null when it could not be decoded).</summary>
    public PreparedPhoto?[] Photos { get; }

    /// <summary>Per image: null when it has faces to embed, else why not.</summary>
    public ProbeRejection?[] Rejections { get; }

    /// <summary>Per image: the row of its first prepared face in <see cref="Tensors"/> (its faces take consecutive rows).</summary>
    public int[] FirstRow { get; }

    /// <summary><see cref="RowCount"/> prepared faces, NCHW.</summary>
    public float[] Tensors { get; }

    public int RowCount { get; }

    public static string FaceIdOf(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>Decodes and prepares every image (in parallel) as <paramref name="model"/>'s recipe says.</summary>
    public static PreparedImages Prepare(IReadOnlyList<FaceImage> images, LoadedModel model, FacePurpose purpose, bool aligned)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(model);
        var n = images.Count;
        var inputSize = model.Embedder.InputSize;
        var selection = purpose == FacePurpose.Identify ? FaceSelection.Every : FaceSelection.Largest;
        var faceIds = new string[n];
        var photos = new PreparedPhoto?[n];
        var rejections = new ProbeRejection?[n];
        var staging = new float[n][];
        Parallel.For(0, n, i =>
        {
            var bytes = images[i]?.Bytes ?? [];
            faceIds[i] = FaceIdOf(bytes);
            try
            {
                var photo = model.Preparer.Prepare(ImageDecoder.Decode(bytes, model.Limits), selection, aligned);
                photos[i] = photo;
                if (!photo.HasFaces)
                {
                    rejections[i] = new ProbeRejection(photo.Outcome == PhotoOutcome.ImageTooSmall ? FaceStatus.ImageTooSmall : FaceStatus.NoFace,
                        photo.Outcome == PhotoOutcome.NoFace && !aligned ? $"{photo.Message}; if the image is a face chip already, send it with aligned=true" : photo.Message);
                    return;
                }

                var tensor = new float[photo.Faces.Count * inputSize];
                for (var f = 0; f < photo.Faces.Count; f++)
                {
                    model.Preparer.WriteInput(photo.Faces[f], tensor.AsSpan(f * inputSize, inputSize));
                }

                staging[i] = tensor;
            }
            catch (ImageRejectedException e)
            {
                rejections[i] = new ProbeRejection(StatusOf(e.Reason), e.Message);
            }
        });

        var firstRow = new int[n];
        var rows = 0;
        for (var i = 0; i < n; i++)
        {
            firstRow[i] = rows;
            rows += staging[i] is null ? 0 : staging[i].Length / inputSize;
        }

        var tensors = new float[rows * inputSize];
        for (var i = 0; i < n; i++)
        {
            staging[i]?.CopyTo(tensors.AsSpan(firstRow[i] * inputSize));
        }

        return new PreparedImages(faceIds, photos, rejections, firstRow, tensors, rows);
    }

    /// <summary>The contract form of a prepared face's place and quality.</summary>
    public static FaceLocation LocationOf(PreparedFace face)
    {
        ArgumentNullException.ThrowIfNull(face);
        var q = face.Quality;
        return new FaceLocation(
            new FaceBoxView(face.Box.X, face.Box.Y, face.Box.Width, face.Box.Height),
            face.FivePoints?.Select(p => new FacePointView(p.X, p.Y)).ToList(),
            new FaceQualityView(q.Size, q.Score, q.Sharpness, q.RollDegrees, q.YawDegrees, q.PitchDegrees));
    }

    /// <summary>A face found but not prepared (another face of an enrolment photo): its box and detector score only.</summary>
    public static FaceLocation LocationOf(DetectedFace face)
    {
        ArgumentNullException.ThrowIfNull(face);
        return new FaceLocation(new FaceBoxView(face.Box.X, face.Box.Y, face.Box.Width, face.Box.Height), null, new FaceQualityView(face.Box.Size, face.Score, null, null, null, null));
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

    public static FaceStatus StatusOf(QualityProblemKind kind) => kind switch
    {
        QualityProblemKind.TooSmall => FaceStatus.TooSmall,
        QualityProblemKind.LowConfidence => FaceStatus.LowConfidence,
        QualityProblemKind.Blurry => FaceStatus.Blurry,
        _ => FaceStatus.Pose,
    };
}
